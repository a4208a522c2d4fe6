using System;

namespace NfCerts.Core.Est
{
    /// <summary>Where an EST server is: host, port and the path its operations live under
    /// (<c>/.well-known/est</c>, or <c>/.well-known/est/LABEL</c> with an arbitrary label, RFC 7030 3.2.2).</summary>
    public sealed class EstEndpoint
    {
        /// <summary>Longest label accepted.</summary>
        public const int MaxLabelLength = 64;

        private EstEndpoint(string host, int port, string basePath)
        {
            Host = host;
            Port = port;
            BasePath = basePath;
        }

        /// <summary>The server's host name or IP address, as the TLS connection checks it.</summary>
        public string Host { get; private set; }

        /// <summary>The TCP port (443 unless the URL names one).</summary>
        public int Port { get; private set; }

        /// <summary>The path before the operation name, without a trailing slash.</summary>
        public string BasePath { get; private set; }

        /// <summary>The request path of <paramref name="operation"/> ("cacerts", "simpleenroll", ...).</summary>
        public string PathOf(string operation)
        {
            return BasePath + "/" + operation;
        }

        /// <summary>Parses <c>https://host[:port][/path]</c>; the path defaults to <c>/.well-known/est</c>, and a label,
        /// when given, is appended as one more segment. Throws <see cref="EstException"/> Configuration.</summary>
        public static EstEndpoint Parse(string url, string? label)
        {
            if (url == null || url.Length > 256 || url.Length < 9 || url.Substring(0, 8).ToLower() != "https://")
            {
                throw Bad("the EST URL must start with https://");
            }
            string rest = url.Substring(8);
            int slash = rest.IndexOf('/');
            string authority = slash < 0 ? rest : rest.Substring(0, slash);
            string path = slash < 0 ? "" : rest.Substring(slash);
            while (path.Length > 0 && path[path.Length - 1] == '/')
            {
                path = path.Substring(0, path.Length - 1);
            }
            if (path.Length == 0)
            {
                path = "/.well-known/est";
            }
            if (path.IndexOf('?') >= 0 || path.IndexOf('#') >= 0 || path.IndexOf(' ') >= 0)
            {
                throw Bad("the EST URL's path may not carry a query, fragment or blank");
            }
            string host = authority;
            int port = 443;
            int colon = authority.LastIndexOf(':');
            if (colon >= 0)
            {
                host = authority.Substring(0, colon);
                port = ParsePort(authority.Substring(colon + 1));
            }
            if (host.Length == 0 || host.IndexOf('@') >= 0 || host.IndexOf('[') >= 0)
            {
                throw Bad("the EST URL needs a host name or IPv4 address (no user info, no IPv6 literal)");
            }
            if (label != null && label.Length > 0)
            {
                CheckLabel(label);
                path = path + "/" + label;
            }
            return new EstEndpoint(host, port, path);
        }

        private static void CheckLabel(string label)
        {
            if (label.Length > MaxLabelLength)
            {
                throw Bad("the EST label is longer than " + MaxLabelLength.ToString() + " characters");
            }
            for (int i = 0; i < label.Length; i++)
            {
                char c = label[i];
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
                if (!ok)
                {
                    throw Bad("the EST label may hold only letters, digits, '-', '_' and '.'");
                }
            }
        }

        private static int ParsePort(string text)
        {
            int port = 0;
            if (text.Length == 0 || text.Length > 5)
            {
                throw Bad("the EST URL's port is not a number from 1 to 65535");
            }
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] < '0' || text[i] > '9')
                {
                    throw Bad("the EST URL's port is not a number from 1 to 65535");
                }
                port = (port * 10) + (text[i] - '0');
            }
            if (port < 1 || port > 65535)
            {
                throw Bad("the EST URL's port is not a number from 1 to 65535");
            }
            return port;
        }

        private static EstException Bad(string message)
        {
            return new EstException(EstError.Configuration, 0, message, false, TimeSpan.Zero);
        }
    }
}
