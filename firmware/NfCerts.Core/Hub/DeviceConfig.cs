using System;
using System.Text;
using NfCerts.Core.Json;
using NfCerts.Core.Renewal;
using NfCerts.Core.Storage;

namespace NfCerts.Core.Hub
{
    /// <summary>
    /// The configuration the operator sets through the twin and the device keeps in its store: the renewal policy's texts,
    /// the EST server (URL and label, for the EST issuer), and the desired-properties <c>$version</c> last applied.
    /// </summary>
    /// <remarks>
    /// <para>Plain data; empty texts mean the defaults (<see cref="RenewalPolicy"/>'s, no EST server). Kept under
    /// <see cref="LogKey"/> as compact JSON (at most about 600 bytes), written in one commit.</para>
    /// <para>At boot the runtime applies <see cref="BuildPolicy"/> before starting the renewal engine, and hands
    /// <see cref="EstUrl"/>/<see cref="EstLabel"/> to the EST issuer.</para>
    /// </remarks>
    public sealed class DeviceConfig
    {
        /// <summary>Store key.</summary>
        public const string LogKey = "Dconfig";
        /// <summary>Longest EST URL.</summary>
        public const int MaxUrlChars = 256;
        /// <summary>Longest EST label.</summary>
        public const int MaxLabelChars = 64;

        /// <summary>Renewal threshold (<c>80%</c>, <c>30d</c>, <c>60min</c>), empty for the default.</summary>
        public string Threshold = "";
        /// <summary>Longest retry wait (<c>4%</c>, <c>1h</c>), empty for the default.</summary>
        public string Retry = "";
        /// <summary>Daily check window <c>HH:MM-HH:MM</c> UTC, empty for the whole day.</summary>
        public string Window = "";
        /// <summary>The EST server's base URL (<c>https://host[:port][/path]</c>), empty when none.</summary>
        public string EstUrl = "";
        /// <summary>The EST label (<c>/.well-known/est/LABEL</c>), empty when none.</summary>
        public string EstLabel = "";
        /// <summary>The desired properties' <c>$version</c> last applied (0 before the first).</summary>
        public long DesiredVersion;

        /// <summary>Reads the kept configuration; the defaults when there is none or it cannot be read.</summary>
        public static DeviceConfig Load(RecordLog log)
        {
            var c = new DeviceConfig();
            byte[] v;
            if (!log.TryGet(LogKey, out v))
            {
                return c;
            }
            try
            {
                JsonNode n = JsonParser.Parse(Encoding.UTF8.GetString(v, 0, v.Length), new JsonLimits(2048, MaxUrlChars));
                c.Threshold = HubJson.OptionalString(n, "threshold", "");
                c.Retry = HubJson.OptionalString(n, "retry", "");
                c.Window = HubJson.OptionalString(n, "window", "");
                c.EstUrl = HubJson.OptionalString(n, "estUrl", "");
                c.EstLabel = HubJson.OptionalString(n, "estLabel", "");
                JsonNode? ver = n.Get("version");
                long version;
                if (ver != null && ver.TryGetLong(0, long.MaxValue, out version))
                {
                    c.DesiredVersion = version;
                }
            }
            catch (Exception)
            {
                // Written by this class only; a value that does not read is as good as none.
            }
            return c;
        }

        /// <summary>Writes the configuration in one commit.</summary>
        public void Save(RecordLog log)
        {
            var w = new JsonWriter();
            w.BeginObject();
            w.Name("version").Value(DesiredVersion);
            w.Name("threshold").Value(Threshold);
            w.Name("retry").Value(Retry);
            w.Name("window").Value(Window);
            w.Name("estUrl").Value(EstUrl);
            w.Name("estLabel").Value(EstLabel);
            w.EndObject();
            var t = log.Begin();
            t.Put(LogKey, Encoding.UTF8.GetBytes(w.ToString()));
            t.Commit();
        }

        /// <summary>A copy.</summary>
        public DeviceConfig Copy()
        {
            var c = new DeviceConfig();
            c.Threshold = Threshold;
            c.Retry = Retry;
            c.Window = Window;
            c.EstUrl = EstUrl;
            c.EstLabel = EstLabel;
            c.DesiredVersion = DesiredVersion;
            return c;
        }

        /// <summary>The renewal policy these texts describe (defaults where empty).</summary>
        /// <exception cref="ArgumentException">A text does not parse, or the policy is not usable.</exception>
        public RenewalPolicy BuildPolicy()
        {
            var p = new RenewalPolicy();
            if (Threshold.Length > 0)
            {
                p.Threshold = LifetimeSpan.Parse(Threshold, "threshold");
            }
            if (Retry.Length > 0)
            {
                p.Retry = LifetimeSpan.Parse(Retry, "retry");
            }
            if (Window.Length > 0)
            {
                p.SetWindow(Window);
            }
            string problem = p.Validate();
            if (problem.Length > 0)
            {
                throw new ArgumentException(problem);
            }
            return p;
        }

        /// <summary>Empty when <paramref name="url"/> is a usable EST base URL (or empty: none), else why not.</summary>
        public static string CheckEstUrl(string url)
        {
            if (url.Length == 0)
            {
                return "";
            }
            if (url.Length > MaxUrlChars)
            {
                return "estUrl is longer than " + MaxUrlChars.ToString() + " characters";
            }
            if (!url.StartsWith("https://"))
            {
                return "estUrl must start with https:// (EST runs over TLS)";
            }
            string rest = url.Substring(8);
            int slash = rest.IndexOf('/');
            string authority = slash < 0 ? rest : rest.Substring(0, slash);
            if (authority.Length == 0)
            {
                return "estUrl has no host";
            }
            for (int i = 0; i < url.Length; i++)
            {
                char c = url[i];
                if (c <= ' ' || c >= '\u007f' || c == '?' || c == '#' || c == '@' || c == '\\')
                {
                    return "estUrl may not contain spaces, non-ASCII characters, a query, a fragment or user information";
                }
            }
            int colon = authority.LastIndexOf(':');
            if (colon >= 0 && authority.IndexOf(']') < colon)
            {
                int port;
                if (!int.TryParse(authority.Substring(colon + 1), out port) || port < 1 || port > 65535)
                {
                    return "estUrl's port must be a number from 1 to 65535";
                }
            }
            return "";
        }

        /// <summary>Empty when <paramref name="label"/> is a usable EST label (or empty), else why not.</summary>
        public static string CheckEstLabel(string label)
        {
            if (label.Length > MaxLabelChars)
            {
                return "estLabel is longer than " + MaxLabelChars.ToString() + " characters";
            }
            for (int i = 0; i < label.Length; i++)
            {
                char c = label[i];
                if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
                {
                    return "estLabel may hold only A-Z a-z 0-9 - _ . (it is one path segment)";
                }
            }
            return "";
        }
    }
}
