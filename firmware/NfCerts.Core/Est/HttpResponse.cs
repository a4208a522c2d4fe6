using System.Collections;

namespace NfCerts.Core.Est
{
    /// <summary>One HTTP/1.1 response as <see cref="HttpResponseReader"/> read it: status, headers in order, whole body.</summary>
    public sealed class HttpResponse
    {
        private readonly ArrayList _names = new ArrayList();
        private readonly ArrayList _values = new ArrayList();

        internal HttpResponse(int status, string reason)
        {
            Status = status;
            Reason = reason;
            Body = new byte[0];
        }

        /// <summary>The status code (200, 202, 401, ...).</summary>
        public int Status { get; private set; }

        /// <summary>The reason phrase (informative only).</summary>
        public string Reason { get; private set; }

        /// <summary>The body, after chunked decoding; empty when there is none.</summary>
        public byte[] Body { get; internal set; }

        /// <summary>How many header fields the response has.</summary>
        public int HeaderCount
        {
            get { return _names.Count; }
        }

        /// <summary>The value of the first header field named <paramref name="name"/> (case-insensitive), or null.</summary>
        public string? GetHeader(string name)
        {
            string lower = name.ToLower();
            for (int i = 0; i < _names.Count; i++)
            {
                if ((string)_names[i]! == lower)
                {
                    return (string)_values[i]!;
                }
            }
            return null;
        }

        /// <summary>How many header fields are named <paramref name="name"/> (case-insensitive).</summary>
        public int CountHeader(string name)
        {
            string lower = name.ToLower();
            int n = 0;
            for (int i = 0; i < _names.Count; i++)
            {
                if ((string)_names[i]! == lower)
                {
                    n++;
                }
            }
            return n;
        }

        internal void AddHeader(string name, string value)
        {
            _names.Add(name.ToLower());
            _values.Add(value);
        }
    }
}
