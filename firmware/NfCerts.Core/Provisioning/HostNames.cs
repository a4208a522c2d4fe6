namespace NfCerts.Core.Provisioning
{
    /// <summary>Host name checks for names that come from a server and are then connected to.</summary>
    public static class HostNames
    {
        /// <summary>True for a DNS host name (RFC 1123: dot-separated labels of 1-63 letters, digits and '-', not starting
        /// or ending with '-', 253 characters at most) or a dotted IPv4 address. No scheme, port, path, space or wildcard.</summary>
        public static bool IsHostName(string? name)
        {
            if (name == null || name.Length < 1 || name.Length > 253)
            {
                return false;
            }
            int labelStart = 0;
            for (int i = 0; i <= name.Length; i++)
            {
                if (i == name.Length || name[i] == '.')
                {
                    int len = i - labelStart;
                    if (len < 1 || len > 63 || name[labelStart] == '-' || name[i - 1] == '-')
                    {
                        return false;
                    }
                    labelStart = i + 1;
                    continue;
                }
                char c = name[i];
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
                if (!ok)
                {
                    return false;
                }
            }
            return true;
        }
    }
}
