using System;

namespace NfCerts.Core.X509
{
    /// <summary>
    /// A forward-only, bounds-checked reader of DER (the distinguished encoding rules of ASN.1) over
    /// a window of a byte array. It never copies the input: nested readers share the array and
    /// accessors that return bytes copy only the value asked for.
    /// </summary>
    /// <remarks>
    /// <para>Accepted: single-byte identifier octets (tag numbers 0 to 30), definite lengths in the
    /// shortest form (short form below 128, long form of at most 4 octets without a leading zero, so
    /// below 2 GiB), constructed elements nested at most <see cref="MaxDepth"/> deep.</para>
    /// <para>Refused, always with a <see cref="CertificateFormatException"/>: indefinite lengths,
    /// non-minimal lengths, lengths past the end of the input (<see cref="CertificateFormatError.Truncated"/>)
    /// or past the enclosing element (<see cref="CertificateFormatError.BadLength"/>), multi-byte tag numbers
    /// (<see cref="CertificateFormatError.Unsupported"/>), and primitive values that break DER. The work done
    /// is linear in the input: no recursion, and every step consumes input.</para>
    /// <para>Offsets in messages and out parameters are indexes into <see cref="Buffer"/>.</para>
    /// </remarks>
    public sealed class DerReader
    {
        /// <summary>The deepest nesting of constructed elements accepted (a certificate needs 7).</summary>
        public const int MaxDepth = 16;

        /// <summary>
        /// The earliest instant <see cref="ReadTime"/> returns, 1601-01-01T00:00:00Z (the earliest nanoFramework's
        /// <see cref="DateTime"/> holds); earlier times are clamped to it.
        /// </summary>
        public static readonly DateTime MinTime = new DateTime(504911232000000000L, DateTimeKind.Utc);

        /// <summary>
        /// The latest instant <see cref="ReadTime"/> returns, 3000-12-31T23:59:59Z (the latest whole second
        /// nanoFramework's <see cref="DateTime"/> holds); later times, such as RFC 5280's 99991231235959Z
        /// "no expiration", are clamped to it.
        /// </summary>
        public static readonly DateTime MaxTime = new DateTime(946708127990000000L, DateTimeKind.Utc);

        private readonly byte[] _buffer;
        private readonly int _start;
        private readonly int _end;
        private readonly bool _topLevel;
        private readonly int _depth;
        private int _position;

        /// <summary>Creates a reader over a whole array.</summary>
        /// <param name="buffer">The DER input.</param>
        /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is null.</exception>
        public DerReader(byte[] buffer)
            : this(buffer, 0, buffer == null ? 0 : buffer.Length)
        {
        }

        /// <summary>Creates a reader over <paramref name="count"/> bytes of an array from <paramref name="offset"/>.</summary>
        /// <param name="buffer">The array holding the DER input.</param>
        /// <param name="offset">Index of the first byte of the input.</param>
        /// <param name="count">Length of the input in bytes.</param>
        /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The range lies outside the array.</exception>
        public DerReader(byte[] buffer, int offset, int count)
        {
            CheckRange(buffer, offset, count);
            _buffer = buffer;
            _start = offset;
            _position = offset;
            _end = offset + count;
            _topLevel = true;
            _depth = 0;
        }

        private DerReader(byte[] buffer, int start, int end, bool topLevel, int depth)
        {
            _buffer = buffer;
            _start = start;
            _position = start;
            _end = end;
            _topLevel = topLevel;
            _depth = depth;
        }

        /// <summary>The array this reader reads (shared, not copied).</summary>
        public byte[] Buffer
        {
            get { return _buffer; }
        }

        /// <summary>Index in <see cref="Buffer"/> of the next element's first byte.</summary>
        public int Position
        {
            get { return _position; }
        }

        /// <summary>Index in <see cref="Buffer"/> just past this reader's window.</summary>
        public int End
        {
            get { return _end; }
        }

        /// <summary>How many constructed elements enclose this reader's window (0 for a reader made by a constructor).</summary>
        public int Depth
        {
            get { return _depth; }
        }

        /// <summary>True while unread bytes remain in the window.</summary>
        public bool HasData
        {
            get { return _position < _end; }
        }

        /// <summary>The identifier octet of the next element, without consuming it.</summary>
        /// <exception cref="CertificateFormatException">No element is left, or it uses a multi-byte tag number.</exception>
        public int PeekTag()
        {
            if (_position >= _end)
            {
                throw Missing(_position, _end, _topLevel, "an element", CertificateFormatError.UnexpectedTag);
            }

            int tag = _buffer[_position];
            CheckTagByte(tag, _position);
            return tag;
        }

        /// <summary>True when another element follows and its identifier octet is <paramref name="tag"/>. Never throws.</summary>
        /// <param name="tag">The identifier octet to look for.</param>
        public bool NextIs(int tag)
        {
            return _position < _end && _buffer[_position] == tag;
        }

        /// <summary>Reads the next element, whatever its tag, and returns its identifier octet.</summary>
        /// <param name="contentOffset">Index in <see cref="Buffer"/> of the element's contents.</param>
        /// <param name="contentLength">Length of the contents in bytes.</param>
        public int ReadElement(out int contentOffset, out int contentLength)
        {
            int tag = ParseHeader(_buffer, _position, _end, _topLevel, out contentOffset, out contentLength);
            _position = contentOffset + contentLength;
            return tag;
        }

        /// <summary>Reads the next element, which must have identifier octet <paramref name="expectedTag"/>.</summary>
        /// <param name="expectedTag">The identifier octet required.</param>
        /// <param name="contentOffset">Index in <see cref="Buffer"/> of the element's contents.</param>
        /// <param name="contentLength">Length of the contents in bytes.</param>
        /// <exception cref="CertificateFormatException">No element is left (<see cref="CertificateFormatError.Truncated"/>
        /// or <see cref="CertificateFormatError.BadLength"/>), or it has another tag (<see cref="CertificateFormatError.UnexpectedTag"/>).</exception>
        public void ReadElement(int expectedTag, out int contentOffset, out int contentLength)
        {
            if (_position >= _end)
            {
                throw Missing(_position, _end, _topLevel, TagName(expectedTag), CertificateFormatError.UnexpectedTag);
            }

            int tag = _buffer[_position];
            if (tag != expectedTag)
            {
                throw new CertificateFormatException(
                    CertificateFormatError.UnexpectedTag,
                    "expected " + TagName(expectedTag) + " at offset " + _position.ToString() + ", found " + TagName(tag));
            }

            ReadElement(out contentOffset, out contentLength);
        }

        /// <summary>Reads the next element whole (identifier, length and contents) and returns its encoded length.</summary>
        /// <param name="elementOffset">Index in <see cref="Buffer"/> of the element's identifier octet.</param>
        public int ReadEncodedElement(out int elementOffset)
        {
            elementOffset = _position;
            int contentOffset;
            int contentLength;
            ReadElement(out contentOffset, out contentLength);
            return _position - elementOffset;
        }

        /// <summary>Skips the next element, whatever it is (its header is still checked).</summary>
        public void Skip()
        {
            int contentOffset;
            int contentLength;
            ReadElement(out contentOffset, out contentLength);
        }

        /// <summary>Fails unless every byte of the window has been read.</summary>
        /// <exception cref="CertificateFormatException"><see cref="CertificateFormatError.TrailingData"/> if bytes remain.</exception>
        public void ExpectEnd()
        {
            if (_position < _end)
            {
                throw new CertificateFormatException(
                    CertificateFormatError.TrailingData,
                    (_end - _position).ToString() + " unexpected bytes at offset " + _position.ToString() + " after the last element");
            }
        }

        /// <summary>Reads a SEQUENCE and returns a reader over its contents.</summary>
        public DerReader ReadSequence()
        {
            return ReadConstructed(DerTag.Sequence);
        }

        /// <summary>Reads a SET and returns a reader over its contents.</summary>
        public DerReader ReadSet()
        {
            return ReadConstructed(DerTag.Set);
        }

        /// <summary>Reads a constructed element with identifier octet <paramref name="expectedTag"/> and returns a reader over its contents.</summary>
        /// <param name="expectedTag">A constructed identifier octet, e.g. <c>DerTag.Context(3, true)</c>.</param>
        /// <exception cref="ArgumentException"><paramref name="expectedTag"/> is not constructed.</exception>
        /// <exception cref="CertificateFormatException">Missing or different element, or nesting deeper than <see cref="MaxDepth"/>.</exception>
        public DerReader ReadConstructed(int expectedTag)
        {
            if (!DerTag.IsConstructed(expectedTag))
            {
                throw new ArgumentException("the tag is not a constructed one", "expectedTag");
            }

            int contentOffset;
            int contentLength;
            ReadElement(expectedTag, out contentOffset, out contentLength);
            return Child(contentOffset, contentLength);
        }

        /// <summary>Like <see cref="ReadConstructed"/>, but returns null (reading nothing) when the next element is absent or has another tag.</summary>
        /// <param name="expectedTag">A constructed identifier octet.</param>
        public DerReader? ReadOptionalConstructed(int expectedTag)
        {
            return NextIs(expectedTag) ? ReadConstructed(expectedTag) : null;
        }

        /// <summary>Reads a BOOLEAN (DER: one octet, 0x00 or 0xFF).</summary>
        public bool ReadBoolean()
        {
            int offset;
            int length;
            ReadElement(DerTag.Boolean, out offset, out length);
            if (length == 1 && _buffer[offset] == 0x00)
            {
                return false;
            }

            if (length == 1 && _buffer[offset] == 0xFF)
            {
                return true;
            }

            throw Bad(CertificateFormatError.BadEncoding, offset, "BOOLEAN is not one octet 00 or FF");
        }

        /// <summary>Reads a NULL (empty contents).</summary>
        public void ReadNull()
        {
            int offset;
            int length;
            ReadElement(DerTag.Null, out offset, out length);
            if (length != 0)
            {
                throw Bad(CertificateFormatError.BadEncoding, offset, "NULL has contents");
            }
        }

        /// <summary>Reads an INTEGER and gives the position of its two's complement, big-endian contents (minimal, at least one octet).</summary>
        /// <param name="offset">Index in <see cref="Buffer"/> of the first content octet.</param>
        /// <param name="length">Number of content octets.</param>
        public void ReadIntegerContent(out int offset, out int length)
        {
            ReadElement(DerTag.Integer, out offset, out length);
            CheckInteger(_buffer, offset, length);
        }

        /// <summary>Reads an INTEGER and returns a copy of its two's complement, big-endian contents.</summary>
        public byte[] ReadIntegerBytes()
        {
            int offset;
            int length;
            ReadIntegerContent(out offset, out length);
            return Copy(offset, length);
        }

        /// <summary>Reads an INTEGER that must fit in 32 bits (versions, path lengths).</summary>
        /// <exception cref="CertificateFormatException"><see cref="CertificateFormatError.Unsupported"/> if it does not fit.</exception>
        public int ReadInt32()
        {
            int offset;
            int length;
            ReadIntegerContent(out offset, out length);
            if (length > 4)
            {
                throw Bad(CertificateFormatError.Unsupported, offset, "INTEGER does not fit in 32 bits");
            }

            int value = (_buffer[offset] & 0x80) != 0 ? -1 : 0;
            for (int i = 0; i < length; i++)
            {
                value = (value << 8) | _buffer[offset + i];
            }

            return value;
        }

        /// <summary>Reads an OBJECT IDENTIFIER and gives the position of its (checked) contents.</summary>
        /// <param name="offset">Index in <see cref="Buffer"/> of the first content octet.</param>
        /// <param name="length">Number of content octets.</param>
        public void ReadOidContent(out int offset, out int length)
        {
            ReadElement(DerTag.ObjectIdentifier, out offset, out length);
            DerOid.Check(_buffer, offset, length);
        }

        /// <summary>Reads an OBJECT IDENTIFIER in dotted decimal form, e.g. "2.5.4.3".</summary>
        public string ReadOid()
        {
            int offset;
            int length;
            ReadOidContent(out offset, out length);
            return DerOid.ToDottedString(_buffer, offset, length);
        }

        /// <summary>Reads a BIT STRING and gives the position of its bits (after the unused-bits octet).</summary>
        /// <param name="offset">Index in <see cref="Buffer"/> of the first octet of bits.</param>
        /// <param name="length">Number of octets of bits (may be 0).</param>
        /// <param name="unusedBits">How many low bits of the last octet are not part of the string (0 to 7; DER requires them to be zero).</param>
        public void ReadBitStringContent(out int offset, out int length, out int unusedBits)
        {
            int contentOffset;
            int contentLength;
            ReadElement(DerTag.BitString, out contentOffset, out contentLength);
            CheckBitString(_buffer, contentOffset, contentLength);
            unusedBits = _buffer[contentOffset];
            offset = contentOffset + 1;
            length = contentLength - 1;
        }

        /// <summary>Reads a BIT STRING and returns a copy of its octets.</summary>
        /// <param name="unusedBits">How many low bits of the last octet are not part of the string.</param>
        public byte[] ReadBitString(out int unusedBits)
        {
            int offset;
            int length;
            ReadBitStringContent(out offset, out length, out unusedBits);
            return Copy(offset, length);
        }

        /// <summary>Reads a BIT STRING that encapsulates DER (e.g. a public key) and returns a reader over it.</summary>
        public DerReader ReadBitStringReader()
        {
            int offset;
            int length;
            int unusedBits;
            ReadBitStringContent(out offset, out length, out unusedBits);
            if (unusedBits != 0)
            {
                throw Bad(CertificateFormatError.BadEncoding, offset - 1, "BIT STRING holding DER has unused bits");
            }

            return Child(offset, length);
        }

        /// <summary>Reads an OCTET STRING and gives the position of its contents.</summary>
        /// <param name="offset">Index in <see cref="Buffer"/> of the first content octet.</param>
        /// <param name="length">Number of content octets.</param>
        public void ReadOctetStringContent(out int offset, out int length)
        {
            ReadElement(DerTag.OctetString, out offset, out length);
        }

        /// <summary>Reads an OCTET STRING and returns a copy of its contents.</summary>
        public byte[] ReadOctetString()
        {
            int offset;
            int length;
            ReadOctetStringContent(out offset, out length);
            return Copy(offset, length);
        }

        /// <summary>Reads an OCTET STRING that encapsulates DER (e.g. an extension value) and returns a reader over it.</summary>
        public DerReader ReadOctetStringReader()
        {
            int offset;
            int length;
            ReadOctetStringContent(out offset, out length);
            return Child(offset, length);
        }

        /// <summary>
        /// Reads a character string: UTF8String (strict UTF-8: no overlong forms, surrogates or code points past U+10FFFF),
        /// BMPString (UCS-2, no surrogates), UniversalString (UCS-4), or one of the one-octet types (PrintableString,
        /// IA5String, NumericString, TeletexString, VisibleString), whose octets are taken as ISO 8859-1 as OpenSSL does.
        /// </summary>
        /// <exception cref="CertificateFormatException"><see cref="CertificateFormatError.UnexpectedTag"/> for another type,
        /// <see cref="CertificateFormatError.BadString"/> for contents the type does not allow.</exception>
        public string ReadString()
        {
            int tag = PeekTag();
            if (!DerText.IsStringTag(tag))
            {
                throw new CertificateFormatException(
                    CertificateFormatError.UnexpectedTag,
                    "expected a character string at offset " + _position.ToString() + ", found " + TagName(tag));
            }

            int offset;
            int length;
            ReadElement(out offset, out length);
            return DerText.Decode(_buffer, tag, offset, length);
        }

        /// <summary>
        /// Reads a UTCTime or GeneralizedTime in the forms RFC 5280 allows (YYMMDDHHMMSSZ, YYYYMMDDHHMMSSZ: seconds present,
        /// no fraction, no offset, 'Z'), with the RFC 5280 century rule for UTCTime (YY &gt;= 50 is 19YY, else 20YY).
        /// Returns a UTC <see cref="DateTime"/>, clamped to <see cref="MinTime"/>..<see cref="MaxTime"/>.
        /// </summary>
        /// <exception cref="CertificateFormatException"><see cref="CertificateFormatError.BadTime"/> for any other form or an
        /// impossible date; <see cref="CertificateFormatError.UnexpectedTag"/> if the element is not a time.</exception>
        public DateTime ReadTime()
        {
            int tag = PeekTag();
            if (tag != DerTag.UtcTime && tag != DerTag.GeneralizedTime)
            {
                throw new CertificateFormatException(
                    CertificateFormatError.UnexpectedTag,
                    "expected UTCTime or GeneralizedTime at offset " + _position.ToString() + ", found " + TagName(tag));
            }

            int offset;
            int length;
            ReadElement(out offset, out length);
            return DerTime.Parse(_buffer, tag, offset, length);
        }

        /// <summary>
        /// Checks that the range holds exactly one DER element and that every constructed element inside it (to
        /// <see cref="MaxDepth"/> levels) is made of well-formed elements that fill it exactly. Primitive values
        /// are checked where DER fixes their form: BOOLEAN, NULL, INTEGER, OBJECT IDENTIFIER, BIT STRING, and
        /// types that must be primitive (strings, times). Contents of OCTET and BIT STRINGs are not entered.
        /// Linear time, no recursion, one small allocation.
        /// </summary>
        /// <param name="buffer">The array holding the input.</param>
        /// <param name="offset">Index of the first byte.</param>
        /// <param name="count">Length of the input.</param>
        /// <exception cref="CertificateFormatException">The first problem found.</exception>
        public static void Validate(byte[] buffer, int offset, int count)
        {
            CheckRange(buffer, offset, count);
            int end = offset + count;
            int[] ends = new int[MaxDepth + 1];
            int depth = 0;
            ends[0] = end;
            int position = offset;
            bool first = true;
            while (true)
            {
                while (depth > 0 && position == ends[depth])
                {
                    depth--;
                }

                if (depth == 0 && !first)
                {
                    if (position != end)
                    {
                        throw new CertificateFormatException(
                            CertificateFormatError.TrailingData,
                            (end - position).ToString() + " unexpected bytes at offset " + position.ToString() + " after the outermost element");
                    }

                    return;
                }

                first = false;
                int contentOffset;
                int contentLength;
                int tag = ParseHeader(buffer, position, ends[depth], depth == 0, out contentOffset, out contentLength);
                if (DerTag.IsConstructed(tag))
                {
                    if (MustBePrimitive(tag))
                    {
                        throw Bad(CertificateFormatError.BadEncoding, position, "constructed form of a primitive type (0x" + Hex2(tag) + ") is not DER");
                    }

                    if (depth >= MaxDepth)
                    {
                        throw Bad(CertificateFormatError.TooDeep, position, "elements nested deeper than " + MaxDepth.ToString() + " levels");
                    }

                    depth++;
                    ends[depth] = contentOffset + contentLength;
                    position = contentOffset;
                }
                else
                {
                    CheckPrimitive(buffer, tag, position, contentOffset, contentLength);
                    position = contentOffset + contentLength;
                }
            }
        }

        internal static int ParseHeader(byte[] buffer, int position, int end, bool topLevel, out int contentOffset, out int contentLength)
        {
            if (position >= end)
            {
                throw Missing(position, end, topLevel, "an element", CertificateFormatError.UnexpectedTag);
            }

            int tag = buffer[position];
            CheckTagByte(tag, position);
            if (position + 1 >= end)
            {
                throw Missing(position + 1, end, topLevel, "the length of the element at offset " + position.ToString(), CertificateFormatError.BadLength);
            }

            int first = buffer[position + 1];
            int p = position + 2;
            int length;
            if (first < 0x80)
            {
                length = first;
            }
            else if (first == 0x80)
            {
                throw Bad(CertificateFormatError.BadLength, position, "indefinite length is not DER");
            }
            else
            {
                int octets = first & 0x7F;
                if (octets > 4)
                {
                    throw Bad(CertificateFormatError.BadLength, position, "length of " + octets.ToString() + " octets is too large");
                }

                if (octets > end - p)
                {
                    throw Missing(end, end, topLevel, "the length of the element at offset " + position.ToString(), CertificateFormatError.BadLength);
                }

                if (buffer[p] == 0)
                {
                    throw Bad(CertificateFormatError.BadLength, position, "length has a leading zero octet (not minimal)");
                }

                if (octets == 4 && buffer[p] >= 0x80)
                {
                    throw Bad(CertificateFormatError.BadLength, position, "length of 2 GiB or more");
                }

                length = 0;
                for (int i = 0; i < octets; i++)
                {
                    length = (length << 8) | buffer[p + i];
                }

                p += octets;
                if (length < 0x80)
                {
                    throw Bad(CertificateFormatError.BadLength, position, "long form used for a length below 128 (not minimal)");
                }
            }

            if (length > end - p)
            {
                if (topLevel)
                {
                    throw new CertificateFormatException(
                        CertificateFormatError.Truncated,
                        "element at offset " + position.ToString() + " declares " + length.ToString() + " bytes but the input ends "
                        + (end - p).ToString() + " bytes after its header");
                }

                throw Bad(CertificateFormatError.BadLength, position, "element runs past the end of the element that encloses it");
            }

            contentOffset = p;
            contentLength = length;
            return tag;
        }

        internal static void CheckInteger(byte[] buffer, int offset, int length)
        {
            if (length == 0)
            {
                throw Bad(CertificateFormatError.BadEncoding, offset, "INTEGER has no contents");
            }

            if (length > 1)
            {
                int b0 = buffer[offset];
                int b1 = buffer[offset + 1];
                if ((b0 == 0x00 && (b1 & 0x80) == 0) || (b0 == 0xFF && (b1 & 0x80) != 0))
                {
                    throw Bad(CertificateFormatError.BadEncoding, offset, "INTEGER is not minimally encoded");
                }
            }
        }

        internal static string TagName(int tag)
        {
            switch (tag)
            {
                case DerTag.Boolean: return "BOOLEAN";
                case DerTag.Integer: return "INTEGER";
                case DerTag.BitString: return "BIT STRING";
                case DerTag.OctetString: return "OCTET STRING";
                case DerTag.Null: return "NULL";
                case DerTag.ObjectIdentifier: return "OBJECT IDENTIFIER";
                case DerTag.Utf8String: return "UTF8String";
                case DerTag.PrintableString: return "PrintableString";
                case DerTag.Ia5String: return "IA5String";
                case DerTag.UtcTime: return "UTCTime";
                case DerTag.GeneralizedTime: return "GeneralizedTime";
                case DerTag.BmpString: return "BMPString";
                case DerTag.Sequence: return "SEQUENCE";
                case DerTag.Set: return "SET";
                default: return "tag 0x" + Hex2(tag);
            }
        }

        internal static CertificateFormatException Bad(CertificateFormatError error, int offset, string what)
        {
            return new CertificateFormatException(error, "DER at offset " + offset.ToString() + ": " + what);
        }

        // Bytes are missing: at the top level the input is truncated; inside an element (whose length was satisfied) the
        // element is inconsistent: a required element is missing, or a header runs past the end.
        private static CertificateFormatException Missing(int position, int end, bool topLevel, string what, CertificateFormatError nestedError)
        {
            if (topLevel)
            {
                return new CertificateFormatException(
                    CertificateFormatError.Truncated, "input ends at offset " + position.ToString() + " where " + what + " was expected");
            }

            return new CertificateFormatException(
                nestedError, "the enclosing element ends at offset " + end.ToString() + " where " + what + " was expected");
        }

        private static void CheckTagByte(int tag, int position)
        {
            if ((tag & 0x1F) == 0x1F)
            {
                throw Bad(CertificateFormatError.Unsupported, position, "multi-byte tag numbers are not supported");
            }

            if (tag == 0)
            {
                throw Bad(CertificateFormatError.BadEncoding, position, "end-of-contents octets (indefinite length) are not DER");
            }
        }

        private static void CheckPrimitive(byte[] buffer, int tag, int position, int offset, int length)
        {
            switch (tag)
            {
                case DerTag.Boolean:
                    if (length != 1 || (buffer[offset] != 0x00 && buffer[offset] != 0xFF))
                    {
                        throw Bad(CertificateFormatError.BadEncoding, position, "BOOLEAN is not one octet 00 or FF");
                    }

                    break;
                case DerTag.Integer:
                    CheckInteger(buffer, offset, length);
                    break;
                case DerTag.Null:
                    if (length != 0)
                    {
                        throw Bad(CertificateFormatError.BadEncoding, position, "NULL has contents");
                    }

                    break;
                case DerTag.ObjectIdentifier:
                    DerOid.Check(buffer, offset, length);
                    break;
                case DerTag.BitString:
                    CheckBitString(buffer, offset, length);
                    break;
            }
        }

        // Universal types DER always encodes primitive: all but EXTERNAL (8), EMBEDDED PDV (11), SEQUENCE (16) and SET (17).
        private static bool MustBePrimitive(int tag)
        {
            if ((tag & 0xC0) != 0)
            {
                return false;
            }

            int number = tag & 0x1F;
            return number != 8 && number != 11 && number != 16 && number != 17;
        }

        private static void CheckBitString(byte[] buffer, int offset, int length)
        {
            if (length == 0)
            {
                throw Bad(CertificateFormatError.BadEncoding, offset, "BIT STRING has no unused-bits octet");
            }

            int unused = buffer[offset];
            if (unused > 7 || (length == 1 && unused != 0))
            {
                throw Bad(CertificateFormatError.BadEncoding, offset, "BIT STRING unused-bits octet out of range");
            }

            if (unused != 0 && (buffer[offset + length - 1] & ((1 << unused) - 1)) != 0)
            {
                throw Bad(CertificateFormatError.BadEncoding, offset, "BIT STRING unused bits are not zero");
            }
        }

        private static void CheckRange(byte[] buffer, int offset, int count)
        {
            if (buffer == null)
            {
                throw new ArgumentNullException("buffer");
            }

            if (offset < 0 || count < 0 || offset > buffer.Length - count)
            {
                throw new ArgumentOutOfRangeException("offset", "the range lies outside the array");
            }
        }

        private static string Hex2(int value)
        {
            const string Digits = "0123456789ABCDEF";
            return Digits.Substring((value >> 4) & 0xF, 1) + Digits.Substring(value & 0xF, 1);
        }

        private DerReader Child(int offset, int length)
        {
            if (_depth >= MaxDepth)
            {
                throw Bad(CertificateFormatError.TooDeep, offset, "elements nested deeper than " + MaxDepth.ToString() + " levels");
            }

            return new DerReader(_buffer, offset, offset + length, false, _depth + 1);
        }

        internal DerReader Restart()
        {
            return new DerReader(_buffer, _start, _end, _topLevel, _depth);
        }

        private byte[] Copy(int offset, int length)
        {
            byte[] result = new byte[length];
            Array.Copy(_buffer, offset, result, 0, length);
            return result;
        }
    }
}
