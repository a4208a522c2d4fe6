using System;
using System.Formats.Asn1;
using System.Linq;
using System.Numerics;
using System.Text;
using NfCerts.Core.X509;
using Xunit;

namespace NfCerts.Tests.X509
{
    public sealed class DerReaderTests
    {
        private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

        private static CertificateFormatError ErrorOf(Action action)
        {
            return Assert.Throws<CertificateFormatException>(action).Error;
        }

        [Theory]
        [InlineData("04 00", 0)]
        [InlineData("04 7F", 127)]
        [InlineData("04 81 80", 128)]
        [InlineData("04 81 FF", 255)]
        [InlineData("04 82 01 00", 256)]
        [InlineData("04 83 01 00 00", 65536)]
        public void Definite_lengths_in_shortest_form_are_read(string header, int length)
        {
            byte[] der = Der.Concat(Hex(header), new byte[length]);
            var reader = new DerReader(der);

            int tag = reader.ReadElement(out int offset, out int count);

            Assert.Equal((0x04, Hex(header).Length, length), (tag, offset, count));
            Assert.False(reader.HasData);
        }

        [Theory]
        [InlineData("30 80 00 00", CertificateFormatError.BadLength)] // indefinite
        [InlineData("04 81 05 00 00 00 00 00", CertificateFormatError.BadLength)] // long form below 128
        [InlineData("04 82 00 80", CertificateFormatError.BadLength)] // leading zero length octet
        [InlineData("04 85 01 00 00 00 00", CertificateFormatError.BadLength)] // 5 length octets
        [InlineData("04 FF", CertificateFormatError.BadLength)] // reserved
        [InlineData("04 84 80 00 00 00", CertificateFormatError.BadLength)] // 2 GiB
        [InlineData("04 84 7F FF FF FF 00", CertificateFormatError.Truncated)] // huge, past the input
        [InlineData("04 05 00", CertificateFormatError.Truncated)]
        [InlineData("04", CertificateFormatError.Truncated)]
        [InlineData("04 82 01", CertificateFormatError.Truncated)]
        [InlineData("", CertificateFormatError.Truncated)]
        [InlineData("1F 22 00", CertificateFormatError.Unsupported)] // multi-byte tag number
        [InlineData("00 00", CertificateFormatError.BadEncoding)] // end-of-contents
        public void Bad_headers_are_refused_with_their_reason(string hex, CertificateFormatError error)
        {
            Assert.Equal(error, ErrorOf(() => new DerReader(Hex(hex)).Skip()));
            Assert.Equal(error, ErrorOf(() => DerReader.Validate(Hex(hex), 0, Hex(hex).Length)));
        }

        [Fact]
        public void An_element_longer_than_its_parent_is_a_bad_length_not_a_truncation()
        {
            byte[] der = Hex("30 03 04 05 00 00 00 00 00");
            DerReader sequence = new DerReader(der).ReadSequence();

            CertificateFormatException e = Assert.Throws<CertificateFormatException>(() => sequence.Skip());

            Assert.Equal(CertificateFormatError.BadLength, e.Error);
        }

        [Fact]
        public void A_missing_element_inside_a_sequence_is_an_unexpected_tag_and_names_what_was_expected()
        {
            DerReader sequence = new DerReader(Hex("30 03 02 01 05 05 00")).ReadSequence();
            sequence.ReadInt32();

            CertificateFormatException e = Assert.Throws<CertificateFormatException>(() => sequence.ReadBoolean());

            Assert.Equal(CertificateFormatError.UnexpectedTag, e.Error);
            Assert.Contains("BOOLEAN", e.Message);
        }

        [Fact]
        public void A_wrong_tag_names_expected_and_found()
        {
            CertificateFormatException e = Assert.Throws<CertificateFormatException>(() => new DerReader(Hex("02 01 00")).ReadSequence());

            Assert.Equal(CertificateFormatError.UnexpectedTag, e.Error);
            Assert.Equal("expected SEQUENCE at offset 0, found INTEGER", e.Message);
        }

        [Theory]
        [InlineData("02 01 00", 0)]
        [InlineData("02 01 7F", 127)]
        [InlineData("02 02 00 80", 128)]
        [InlineData("02 01 FF", -1)]
        [InlineData("02 01 80", -128)]
        [InlineData("02 02 FF 7F", -129)]
        [InlineData("02 04 7F FF FF FF", int.MaxValue)]
        [InlineData("02 04 80 00 00 00", int.MinValue)]
        public void Int32_values_read_with_sign(string hex, int value)
        {
            Assert.Equal(value, new DerReader(Hex(hex)).ReadInt32());
        }

        [Theory]
        [InlineData("02 00", CertificateFormatError.BadEncoding)]
        [InlineData("02 02 00 7F", CertificateFormatError.BadEncoding)]
        [InlineData("02 02 FF 80", CertificateFormatError.BadEncoding)]
        [InlineData("02 05 01 00 00 00 00", CertificateFormatError.Unsupported)]
        public void Bad_or_oversized_integers_are_refused(string hex, CertificateFormatError error)
        {
            Assert.Equal(error, ErrorOf(() => new DerReader(Hex(hex)).ReadInt32()));
        }

        [Fact]
        public void Integer_bytes_are_copied_as_encoded()
        {
            byte[] der = Hex("02 03 00 FF 01");
            byte[] value = new DerReader(der).ReadIntegerBytes();

            Assert.Equal(Hex("00 FF 01"), value);
            value[0] = 9;
            Assert.Equal(0x00, der[2]);
        }

        [Theory]
        [InlineData("1.2.840.113549.1.1.1")]
        [InlineData("2.5.4.3")]
        [InlineData("0.9.2342.19200300.100.1.25")]
        [InlineData("1.3.6.1.4.1.311.60.2.1.3")]
        [InlineData("2.999.3")]
        [InlineData("2.25.329800735698586629295641978511506172918")]
        [InlineData("1.2.18446744073709551615.9223372036854775807")]
        [InlineData("2.340282366920938463463374607431768211455")]
        [InlineData("0.0")]
        [InlineData("1.39")]
        public void Oids_render_as_system_formats_asn1_writes_them(string dotted)
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            writer.WriteObjectIdentifier(dotted);

            Assert.Equal(dotted, new DerReader(writer.Encode()).ReadOid());
        }

        [Theory]
        [InlineData("06 00")]
        [InlineData("06 02 2A 86")]
        [InlineData("06 03 2A 80 01")]
        [InlineData("06 02 80 01")]
        public void Malformed_oids_are_refused(string hex)
        {
            Assert.Equal(CertificateFormatError.BadEncoding, ErrorOf(() => new DerReader(Hex(hex)).ReadOid()));
        }

        [Fact]
        public void An_oid_arc_over_140_bits_is_unsupported_when_rendered()
        {
            byte[] der = Der.Oid("2.5." + BigInteger.Pow(2, 150));

            Assert.Equal(CertificateFormatError.Unsupported, ErrorOf(() => new DerReader(der).ReadOid()));
            DerReader.Validate(der, 0, der.Length);
        }

        [Theory]
        [InlineData("01 01 00", false)]
        [InlineData("01 01 FF", true)]
        public void Booleans_are_der(string hex, bool value)
        {
            Assert.Equal(value, new DerReader(Hex(hex)).ReadBoolean());
        }

        [Theory]
        [InlineData("01 01 01")]
        [InlineData("01 02 FF FF")]
        [InlineData("01 00")]
        public void Non_der_booleans_are_refused(string hex)
        {
            Assert.Equal(CertificateFormatError.BadEncoding, ErrorOf(() => new DerReader(Hex(hex)).ReadBoolean()));
        }

        [Fact]
        public void Null_must_be_empty()
        {
            new DerReader(Hex("05 00")).ReadNull();
            Assert.Equal(CertificateFormatError.BadEncoding, ErrorOf(() => new DerReader(Hex("05 01 00")).ReadNull()));
        }

        [Fact]
        public void Bit_strings_report_unused_bits_and_refuse_non_zero_padding()
        {
            byte[] bits = new DerReader(Hex("03 03 04 AB C0")).ReadBitString(out int unused);
            Assert.Equal(Hex("AB C0"), bits);
            Assert.Equal(4, unused);
            Assert.Empty(new DerReader(Hex("03 01 00")).ReadBitString(out _));

            Assert.Equal(CertificateFormatError.BadEncoding, ErrorOf(() => new DerReader(Hex("03 03 04 AB C1")).ReadBitString(out _)));
            Assert.Equal(CertificateFormatError.BadEncoding, ErrorOf(() => new DerReader(Hex("03 02 08 00")).ReadBitString(out _)));
            Assert.Equal(CertificateFormatError.BadEncoding, ErrorOf(() => new DerReader(Hex("03 01 01")).ReadBitString(out _)));
            Assert.Equal(CertificateFormatError.BadEncoding, ErrorOf(() => new DerReader(Hex("03 00")).ReadBitString(out _)));
            Assert.Equal(CertificateFormatError.BadEncoding, ErrorOf(() => new DerReader(Hex("03 02 01 00")).ReadBitStringReader()));
        }

        [Fact]
        public void Encapsulated_der_is_read_through_octet_and_bit_strings()
        {
            DerReader inOctets = new DerReader(Hex("04 05 30 03 02 01 07")).ReadOctetStringReader();
            Assert.Equal(7, inOctets.ReadSequence().ReadInt32());
            Assert.Equal(1, inOctets.Depth);

            DerReader inBits = new DerReader(Hex("03 06 00 30 03 02 01 09")).ReadBitStringReader();
            Assert.Equal(9, inBits.ReadSequence().ReadInt32());

            // An element inside an OCTET STRING that overruns it is a bad length, even though the input goes on.
            DerReader overrun = new DerReader(Hex("30 07 04 02 30 03 02 01 07")).ReadSequence().ReadOctetStringReader();
            Assert.Equal(CertificateFormatError.BadLength, ErrorOf(() => overrun.ReadSequence()));
        }

        [Theory]
        [InlineData(0x0C, "UTF8 ü € 😀")]
        [InlineData(0x13, "Printable 123")]
        [InlineData(0x16, "ia5@example.com")]
        [InlineData(0x12, "0123 456")]
        [InlineData(0x1A, "Visible")]
        [InlineData(0x1E, "BMP é €")]
        public void Strings_decode_by_type(int tag, string text)
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            writer.WriteCharacterString((UniversalTagNumber)(tag & 0x1F), text);

            Assert.Equal(text, new DerReader(writer.Encode()).ReadString());
        }

        [Fact]
        public void Universal_strings_decode_as_ucs4()
        {
            const string text = "Universal € 😀";
            byte[] ucs4 = new UTF32Encoding(bigEndian: true, byteOrderMark: false).GetBytes(text);

            Assert.Equal(text, new DerReader(Der.Tlv(0x1C, ucs4)).ReadString());
        }

        [Fact]
        public void Teletex_strings_read_as_latin1()
        {
            Assert.Equal("café", new DerReader(Der.Tlv(0x14, Encoding.Latin1.GetBytes("café"))).ReadString());
        }

        [Theory]
        [InlineData(0x0C, "C0 80")] // overlong NUL
        [InlineData(0x0C, "E0 80 AF")] // overlong '/'
        [InlineData(0x0C, "ED A0 80")] // surrogate
        [InlineData(0x0C, "F4 90 80 80")] // beyond U+10FFFF
        [InlineData(0x0C, "F8 88 80 80 80")] // 5-byte form
        [InlineData(0x0C, "80")] // lone continuation
        [InlineData(0x0C, "E2 82")] // truncated character
        [InlineData(0x0C, "C3 41")] // bad continuation
        [InlineData(0x1E, "00 41 00")] // odd BMPString
        [InlineData(0x1E, "D8 34 DD 1E")] // surrogate pair in a BMPString
        [InlineData(0x1C, "00 11 00 00")] // beyond U+10FFFF
        [InlineData(0x1C, "00 00 41")] // UniversalString length
        public void Malformed_strings_are_refused(int tag, string content)
        {
            Assert.Equal(CertificateFormatError.BadString, ErrorOf(() => new DerReader(Der.Tlv(tag, Hex(content))).ReadString()));
        }

        [Fact]
        public void A_non_string_is_not_read_as_one()
        {
            Assert.Equal(CertificateFormatError.UnexpectedTag, ErrorOf(() => new DerReader(Hex("04 01 41")).ReadString()));
        }

        [Theory]
        [InlineData(true, "491231235959Z", 2049, 12, 31, 23, 59, 59)]
        [InlineData(true, "500101000000Z", 1950, 1, 1, 0, 0, 0)]
        [InlineData(true, "000229120000Z", 2000, 2, 29, 12, 0, 0)]
        [InlineData(true, "991231235959Z", 1999, 12, 31, 23, 59, 59)]
        [InlineData(false, "20500101000000Z", 2050, 1, 1, 0, 0, 0)]
        [InlineData(false, "19491231235959Z", 1949, 12, 31, 23, 59, 59)]
        [InlineData(false, "20240229000000Z", 2024, 2, 29, 0, 0, 0)]
        [InlineData(false, "16010101000000Z", 1601, 1, 1, 0, 0, 0)]
        [InlineData(false, "30001231235959Z", 3000, 12, 31, 23, 59, 59)]
        public void Times_read_as_utc(bool utcTime, string text, int y, int mo, int d, int h, int mi, int s)
        {
            byte[] der = utcTime ? Der.UtcTime(text) : Der.GeneralizedTime(text);

            DateTime time = new DerReader(der).ReadTime();

            Assert.Equal(new DateTime(y, mo, d, h, mi, s, DateTimeKind.Utc), time);
            Assert.Equal(DateTimeKind.Utc, time.Kind);
        }

        [Theory]
        [InlineData("99991231235959Z", false)]
        [InlineData("30010101000000Z", false)]
        [InlineData("00000101000000Z", true)]
        [InlineData("16001231235959Z", true)]
        public void Times_outside_nanoframework_range_clamp(string text, bool toMin)
        {
            Assert.Equal(toMin ? DerReader.MinTime : DerReader.MaxTime, new DerReader(Der.GeneralizedTime(text)).ReadTime());
        }

        [Theory]
        [InlineData(true, "2001010000Z")] // no seconds
        [InlineData(true, "200101000000+0100")] // offset
        [InlineData(true, "200101000000.5Z")] // fraction
        [InlineData(true, "200101000000z")]
        [InlineData(true, "200101000000")]
        [InlineData(true, "201301000000Z")] // month 13
        [InlineData(true, "200001000000Z")] // month 0
        [InlineData(true, "200132000000Z")] // day 32
        [InlineData(true, "010229000000Z")] // 2001 is not leap
        [InlineData(true, "200101240000Z")] // hour 24
        [InlineData(true, "200101236000Z")] // minute 60
        [InlineData(true, "200101235960Z")] // leap second
        [InlineData(true, "20010100000aZ")]
        [InlineData(true, "2001-1000000Z")]
        [InlineData(false, "21000229000000Z")] // 2100 is not leap
        [InlineData(false, "20200101000000.5Z")]
        [InlineData(false, "202001010000Z")]
        [InlineData(false, "20200101000000+0000")]
        [InlineData(false, "200101000000Z")] // UTCTime form in a GeneralizedTime
        public void Times_in_forms_rfc5280_forbids_are_refused(bool utcTime, string text)
        {
            byte[] der = utcTime ? Der.UtcTime(text) : Der.GeneralizedTime(text);

            Assert.Equal(CertificateFormatError.BadTime, ErrorOf(() => new DerReader(der).ReadTime()));
        }

        [Fact]
        public void Nesting_deeper_than_max_depth_is_refused()
        {
            byte[] der = Der.Int(1);
            for (int i = 0; i < DerReader.MaxDepth + 1; i++)
            {
                der = Der.Seq(der);
            }

            DerReader reader = new DerReader(der);
            for (int i = 0; i < DerReader.MaxDepth; i++)
            {
                reader = reader.ReadSequence();
            }

            Assert.Equal(DerReader.MaxDepth, reader.Depth);
            Assert.Equal(CertificateFormatError.TooDeep, ErrorOf(() => reader.ReadSequence()));
            Assert.Equal(CertificateFormatError.TooDeep, ErrorOf(() => DerReader.Validate(der, 0, der.Length)));
        }

        [Fact]
        public void Validate_accepts_max_depth_and_walks_every_element()
        {
            byte[] der = Der.Int(1);
            for (int i = 0; i < DerReader.MaxDepth; i++)
            {
                der = Der.Seq(der, Der.Oid("1.2.3"), Der.Tlv(0x04, new byte[] { 0x02, 0x00 }));
            }

            DerReader.Validate(der, 0, der.Length);

            // A BOOLEAN that is not 00/FF at the bottom is found.
            byte[] bad = (byte[])der.Clone();
            int integer = Enumerable.Range(0, bad.Length - 2).First(i => bad[i] == 0x02 && bad[i + 1] == 0x01 && bad[i + 2] == 0x01);
            bad[integer] = 0x01;
            Assert.Equal(CertificateFormatError.BadEncoding, ErrorOf(() => DerReader.Validate(bad, 0, bad.Length)));
        }

        [Theory]
        [InlineData("24 03 04 01 41")] // constructed OCTET STRING (BER)
        [InlineData("2C 03 04 01 41")] // constructed UTF8String
        [InlineData("22 00")] // constructed INTEGER
        [InlineData("30 03 01 01 01")] // BOOLEAN 01
        [InlineData("30 02 05 01")] // NULL with contents, truncated inside
        [InlineData("30 03 05 01 00")] // NULL with contents
        [InlineData("30 02 02 00")] // empty INTEGER
        [InlineData("30 03 06 01 80")] // OID ending inside a subidentifier
        public void Validate_refuses_what_der_forbids(string hex)
        {
            byte[] der = Hex(hex);
            Assert.Throws<CertificateFormatException>(() => DerReader.Validate(der, 0, der.Length));
        }

        [Fact]
        public void Validate_refuses_trailing_bytes_and_an_empty_input()
        {
            Assert.Equal(CertificateFormatError.TrailingData, ErrorOf(() => DerReader.Validate(Hex("05 00 00"), 0, 3)));
            Assert.Equal(CertificateFormatError.Truncated, ErrorOf(() => DerReader.Validate(Hex(""), 0, 0)));
        }

        [Fact]
        public void Optional_elements_and_trailing_checks()
        {
            DerReader reader = new DerReader(Hex("A0 03 02 01 02 02 01 05"));
            DerReader? version = reader.ReadOptionalConstructed(DerTag.Context(0, true));
            Assert.NotNull(version);
            Assert.Equal(2, version!.ReadInt32());
            Assert.Null(reader.ReadOptionalConstructed(DerTag.Context(3, true)));
            Assert.True(reader.NextIs(DerTag.Integer));
            Assert.Equal(CertificateFormatError.TrailingData, ErrorOf(() => reader.ExpectEnd()));
            Assert.Equal(5, reader.ReadInt32());
            reader.ExpectEnd();
            Assert.False(reader.NextIs(DerTag.Integer));
            Assert.Throws<ArgumentException>(() => new DerReader(Hex("02 01 00")).ReadConstructed(DerTag.Integer));
        }

        [Fact]
        public void A_window_never_reads_outside_its_range()
        {
            // The bytes around the window would make a valid element; the window alone is truncated.
            byte[] buffer = Hex("04 03 41 42 43");
            Assert.Equal(CertificateFormatError.Truncated, ErrorOf(() => new DerReader(buffer, 0, 4).Skip()));
            Assert.Throws<ArgumentOutOfRangeException>(() => new DerReader(buffer, 2, 4));
            Assert.Throws<ArgumentNullException>(() => new DerReader(null!));
        }

        [Fact]
        public void Random_der_from_system_formats_asn1_reads_back()
        {
            const int seed = 20240301;
            var random = new Random(seed);
            for (int round = 0; round < 300; round++)
            {
                var writer = new AsnWriter(AsnEncodingRules.DER);
                var expected = new System.Collections.Generic.List<(int Kind, object Value)>();
                writer.PushSequence();
                int items = random.Next(1, 12);
                for (int i = 0; i < items; i++)
                {
                    int kind = random.Next(5);
                    switch (kind)
                    {
                        case 0:
                            long v = random.NextInt64(long.MinValue, long.MaxValue) >> random.Next(64);
                            writer.WriteInteger(v);
                            expected.Add((kind, v));
                            break;
                        case 1:
                            string oid = random.Next(3) + "." + random.Next(40) + "." + (uint)random.Next() + "." + random.Next(200);
                            writer.WriteObjectIdentifier(oid);
                            expected.Add((kind, oid));
                            break;
                        case 2:
                            byte[] octets = new byte[random.Next(300)];
                            random.NextBytes(octets);
                            writer.WriteOctetString(octets);
                            expected.Add((kind, octets));
                            break;
                        case 3:
                            string text = new string(Enumerable.Range(0, random.Next(40)).Select(_ => (char)random.Next(0x20, 0x2FF)).ToArray());
                            writer.WriteCharacterString(UniversalTagNumber.UTF8String, text);
                            expected.Add((kind, text));
                            break;
                        default:
                            var when = new DateTimeOffset(1601, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(random.NextInt64(0, 44_000_000_000L));
                            writer.WriteGeneralizedTime(when, omitFractionalSeconds: true);
                            expected.Add((kind, when.UtcDateTime));
                            break;
                    }
                }

                writer.PopSequence();
                byte[] der = writer.Encode();
                DerReader.Validate(der, 0, der.Length);
                DerReader sequence = new DerReader(der).ReadSequence();
                foreach ((int kind, object value) in expected)
                {
                    string where = "seed " + seed + " round " + round;
                    switch (kind)
                    {
                        case 0: Assert.True((long)value == (long)new BigInteger(sequence.ReadIntegerBytes(), isBigEndian: true), where); break;
                        case 1: Assert.True((string)value == sequence.ReadOid(), where); break;
                        case 2: Assert.True(((byte[])value).SequenceEqual(sequence.ReadOctetString()), where); break;
                        case 3: Assert.True((string)value == sequence.ReadString(), where); break;
                        default: Assert.True((DateTime)value == sequence.ReadTime(), where); break;
                    }
                }

                sequence.ExpectEnd();
            }
        }
    }
}
