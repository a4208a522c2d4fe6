namespace NfCerts.Core.Storage
{
    /// <summary>CRC-32 as used by zlib, PNG and Ethernet: reflected polynomial 0xEDB88320, seed 0xFFFFFFFF, final XOR 0xFFFFFFFF.</summary>
    /// <remarks>The check value of the ASCII string "123456789" is 0xCBF43926.</remarks>
    public static class Crc32
    {
        private static uint[]? _table;

        private static uint[] Table
        {
            get
            {
                if (_table == null)
                {
                    var t = new uint[256];
                    for (uint i = 0; i < 256; i++)
                    {
                        uint c = i;
                        for (int k = 0; k < 8; k++)
                        {
                            c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                        }
                        t[i] = c;
                    }
                    _table = t;
                }
                return _table;
            }
        }

        /// <summary>CRC-32 of <paramref name="count"/> bytes of <paramref name="data"/> from <paramref name="offset"/>.</summary>
        public static uint Compute(byte[] data, int offset, int count)
        {
            return Finish(Update(Start, data, offset, count));
        }

        /// <summary>The running value to start an incremental computation with.</summary>
        public const uint Start = 0xFFFFFFFFu;

        /// <summary>Feeds bytes into a running value started with <see cref="Start"/>.</summary>
        public static uint Update(uint running, byte[] data, int offset, int count)
        {
            var t = Table;
            uint c = running;
            int end = offset + count;
            for (int i = offset; i < end; i++)
            {
                c = t[(c ^ data[i]) & 0xFF] ^ (c >> 8);
            }
            return c;
        }

        /// <summary>Turns a running value into the CRC.</summary>
        public static uint Finish(uint running)
        {
            return running ^ 0xFFFFFFFFu;
        }
    }
}
