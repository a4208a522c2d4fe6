using System;
using NfCerts.Core.Storage;

namespace NfCerts.Core.Hub
{
    /// <summary>
    /// Where the device's hub is and who the device is there: host name, port, device ID and the DTDL model ID it announces.
    /// Kept in the store as one value under <see cref="StoreKey"/> (written by <c>nfcerts store hub</c>, later by DPS), so a
    /// change is one atomic commit: after a power cut the store holds the old settings or the new ones.
    /// </summary>
    /// <remarks>
    /// <para>Encoding (little-endian): byte 0 version <c>1</c>; bytes 1-2 the port; then host name, device ID and model ID,
    /// each as a 2-byte length followed by that many ASCII bytes. Bounded: at most <see cref="MaxEncodedLength"/> bytes, and
    /// a value longer than that, or with any length beyond its field's limit, is refused before anything is allocated for
    /// it.</para>
    /// </remarks>
    public sealed class HubSettings
    {
        /// <summary>The store key of the settings.</summary>
        public const string StoreKey = "Hhub";
        /// <summary>Longest host name (RFC 1123).</summary>
        public const int MaxHostNameLength = 253;
        /// <summary>Longest device ID IoT Hub accepts.</summary>
        public const int MaxDeviceIdLength = 128;
        /// <summary>Longest model ID kept (a DTMI).</summary>
        public const int MaxModelIdLength = 256;
        /// <summary>Largest encoded value.</summary>
        public const int MaxEncodedLength = 3 + 6 + MaxHostNameLength + MaxDeviceIdLength + MaxModelIdLength;
        private const byte Version = 1;

        /// <summary>The hub's host name, e.g. <c>contoso.azure-devices.net</c>.</summary>
        public string HostName = "";
        /// <summary>MQTT over TLS port; 8883 on a real hub.</summary>
        public int Port = 8883;
        /// <summary>The device ID at the hub (its MQTT client ID).</summary>
        public string DeviceId = "";
        /// <summary>The DTDL model ID the device announces (<c>dtmi:...;1</c>), or empty.</summary>
        public string ModelId = "";

        /// <summary>Empty when the settings can be used; else why not.</summary>
        public string Validate()
        {
            string problem = CheckHostName(HostName);
            if (problem.Length > 0)
            {
                return problem;
            }
            if (Port < 1 || Port > 65535)
            {
                return "the port must be 1-65535, not " + Port.ToString();
            }
            problem = CheckDeviceId(DeviceId);
            return problem.Length > 0 ? problem : CheckModelId(ModelId);
        }

        /// <summary>Reads the settings from <paramref name="log"/>; false when there are none. A stored value that does not
        /// decode or validate counts as none (it is kept untouched, and <paramref name="problem"/> says why).</summary>
        public static bool TryLoad(RecordLog log, out HubSettings settings, out string problem)
        {
            if (log == null)
            {
                throw new ArgumentNullException("log");
            }
            settings = new HubSettings();
            problem = "";
            if (log.GetLength(StoreKey) > MaxEncodedLength)
            {
                problem = "the stored hub settings are longer than " + MaxEncodedLength.ToString() + " bytes";
                return false;
            }
            byte[] value;
            if (!log.TryGet(StoreKey, out value))
            {
                return false;
            }
            HubSettings? decoded = Decode(value, out problem);
            if (decoded == null)
            {
                return false;
            }
            settings = decoded;
            return true;
        }

        /// <summary>Reads the settings; false when there are none or they are unusable.</summary>
        public static bool TryLoad(RecordLog log, out HubSettings settings)
        {
            string problem;
            return TryLoad(log, out settings, out problem);
        }

        /// <summary>Validates and writes the settings in one commit. Throws <see cref="ArgumentException"/> with the reason
        /// for invalid settings, changing nothing; <see cref="StorageException"/> when the store cannot be written (nothing
        /// changed either).</summary>
        public void Save(RecordLog log)
        {
            if (log == null)
            {
                throw new ArgumentNullException("log");
            }
            string problem = Validate();
            if (problem.Length > 0)
            {
                throw new ArgumentException(problem);
            }
            var t = log.Begin();
            t.Put(StoreKey, Encode());
            t.Commit();
        }

        /// <summary>Removes the settings (the hub client then does not run); false when there were none.</summary>
        public static bool Clear(RecordLog log)
        {
            if (!log.Contains(StoreKey))
            {
                return false;
            }
            var t = log.Begin();
            t.Delete(StoreKey);
            t.Commit();
            return true;
        }

        /// <summary>The stored form (see the remarks); the settings must be valid.</summary>
        public byte[] Encode()
        {
            var b = new byte[3 + 6 + HostName.Length + DeviceId.Length + ModelId.Length];
            b[0] = Version;
            b[1] = (byte)Port;
            b[2] = (byte)(Port >> 8);
            int at = 3;
            at = PutText(b, at, HostName);
            at = PutText(b, at, DeviceId);
            PutText(b, at, ModelId);
            return b;
        }

        /// <summary>Decodes and validates a stored value; null (with the reason) when it is not a valid one.</summary>
        public static HubSettings? Decode(byte[] value, out string problem)
        {
            problem = "";
            if (value == null || value.Length < 9 || value.Length > MaxEncodedLength || value[0] != Version)
            {
                problem = "the stored hub settings are not in a known format";
                return null;
            }
            var s = new HubSettings();
            s.Port = value[1] | (value[2] << 8);
            int at = 3;
            string? host = GetText(value, ref at, MaxHostNameLength);
            string? device = host == null ? null : GetText(value, ref at, MaxDeviceIdLength);
            string? model = device == null ? null : GetText(value, ref at, MaxModelIdLength);
            if (model == null || at != value.Length)
            {
                problem = "the stored hub settings are truncated or too long";
                return null;
            }
            s.HostName = host!;
            s.DeviceId = device!;
            s.ModelId = model;
            problem = s.Validate();
            return problem.Length > 0 ? null : s;
        }

        private static int PutText(byte[] b, int at, string text)
        {
            b[at] = (byte)text.Length;
            b[at + 1] = (byte)(text.Length >> 8);
            at += 2;
            for (int i = 0; i < text.Length; i++)
            {
                b[at++] = (byte)text[i];
            }
            return at;
        }

        private static string? GetText(byte[] b, ref int at, int max)
        {
            if (at + 2 > b.Length)
            {
                return null;
            }
            int n = b[at] | (b[at + 1] << 8);
            at += 2;
            if (n > max || at + n > b.Length)
            {
                return null;
            }
            var c = new char[n];
            for (int i = 0; i < n; i++)
            {
                c[i] = (char)b[at + i];
            }
            at += n;
            return new string(c);
        }

        // ---- validation --------------------------------------------------------------------------------

        /// <summary>Empty when <paramref name="host"/> is a host name (RFC 1123: dot-separated labels of 1-63 letters,
        /// digits and hyphens, not starting or ending with a hyphen, at most 253 characters; an IPv4 address is one).</summary>
        public static string CheckHostName(string? host)
        {
            if (host == null || host.Length == 0)
            {
                return "the hub host name is empty";
            }
            if (host.Length > MaxHostNameLength)
            {
                return "the hub host name is longer than " + MaxHostNameLength.ToString() + " characters";
            }
            int start = 0;
            for (int i = 0; i <= host.Length; i++)
            {
                if (i < host.Length && host[i] != '.')
                {
                    char c = host[i];
                    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
                    if (!ok)
                    {
                        return "the hub host name may hold only letters, digits, '-' and '.' (character " + (i + 1).ToString() + ")";
                    }
                    continue;
                }
                int n = i - start;
                if (n < 1 || n > 63)
                {
                    return "each label of the hub host name must be 1-63 characters";
                }
                if (host[start] == '-' || host[i - 1] == '-')
                {
                    return "a label of the hub host name may not start or end with '-'";
                }
                start = i + 1;
            }
            return "";
        }

        /// <summary>Empty when <paramref name="id"/> is an IoT Hub device ID: 1-128 characters of letters, digits and
        /// <c>- . % _ * ? ! ( ) , : = @ $ '</c>.</summary>
        public static string CheckDeviceId(string? id)
        {
            if (id == null || id.Length == 0)
            {
                return "the device ID is empty";
            }
            if (id.Length > MaxDeviceIdLength)
            {
                return "the device ID is longer than " + MaxDeviceIdLength.ToString() + " characters";
            }
            const string extra = "-.%_*?!(),:=@$'";
            for (int i = 0; i < id.Length; i++)
            {
                char c = id[i];
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || extra.IndexOf(c) >= 0;
                if (!ok)
                {
                    return "the device ID may hold only letters, digits and " + extra + " (character " + (i + 1).ToString() + ")";
                }
            }
            return "";
        }

        /// <summary>Empty when <paramref name="id"/> is empty or a DTMI (<c>dtmi:</c> segments of letters, digits and '_'
        /// separated by ':', then <c>;</c> and a version number), at most <see cref="MaxModelIdLength"/> characters.</summary>
        public static string CheckModelId(string? id)
        {
            if (id == null || id.Length == 0)
            {
                return "";
            }
            if (id.Length > MaxModelIdLength)
            {
                return "the model ID is longer than " + MaxModelIdLength.ToString() + " characters";
            }
            int semi = id.IndexOf(';');
            if (!id.StartsWith("dtmi:") || semi < 6 || semi == id.Length - 1)
            {
                return "the model ID must be a DTMI such as dtmi:com:example:device;1";
            }
            for (int i = 5; i < id.Length; i++)
            {
                char c = id[i];
                bool digit = c >= '0' && c <= '9';
                bool ok = i > semi ? digit
                    : (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || digit || c == '_' || c == ':' || c == ';';
                if (!ok)
                {
                    return "the model ID must be a DTMI such as dtmi:com:example:device;1 (character " + (i + 1).ToString() + ")";
                }
            }
            return "";
        }
    }
}
