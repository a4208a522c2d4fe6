using System;
using System.Text;
using FsCheck.Xunit;
using NfCerts.Core.Json;
using Xunit;

namespace NfCerts.Tests.Json
{
    public class JsonParserTests
    {
        private static readonly JsonLimits Small = new JsonLimits(4096, 256);

        private static string Canonical(string text) => new JsonWriter().Node(JsonParser.Parse(text, Small)).ToString();

        [Theory]
        [InlineData("{}", "{}")]
        [InlineData(" [ ] ", "[]")]
        [InlineData("{\"a\" : 1 , \"b\":[true,false,null]}", "{\"a\":1,\"b\":[true,false,null]}")]
        [InlineData("-0.5e+10", "-0.5e+10")]
        [InlineData("0", "0")]
        [InlineData("\"\\u00e9\\n\\/\\\"\"", "\"é\\n/\\\"\"")]
        [InlineData("\"\\ud83d\\ude00\"", "\"😀\"")]
        [InlineData("\"😀\"", "\"😀\"")]
        [InlineData("{\"z\":1,\"a\":2}", "{\"z\":1,\"a\":2}")]
        [InlineData("\"\\u0001\"", "\"\\u0001\"")]
        public void ValidTextIsReadAndWrittenBackCanonically(string text, string expected)
        {
            Assert.Equal(expected, Canonical(text));
        }

        [Theory]
        [InlineData("", "unexpected end of text", 0)]
        [InlineData("{", "expected a member name", 1)]
        [InlineData("{\"a\":1,}", "expected a member name", 7)]
        [InlineData("[1,]", "unexpected character", 3)]
        [InlineData("{'a':1}", "expected a member name", 1)]
        [InlineData("01", "leading zero", 0)]
        [InlineData("1.", "digits must follow '.'", 0)]
        [InlineData("1e", "digits must follow the exponent", 0)]
        [InlineData("NaN", "unexpected character", 0)]
        [InlineData("tru", "unexpected character", 0)]
        [InlineData("\"abc", "unterminated string", 0)]
        [InlineData("\"a\\x\"", "bad escape", 2)]
        [InlineData("\"a\\u12zz\"", "bad \\u escape", 2)]
        [InlineData("\"a\\u12\"", "incomplete \\u escape", 2)]
        [InlineData("\"\\ud800\"", "lone surrogate escape", 1)]
        [InlineData("\"\\udc00\"", "lone surrogate escape", 1)]
        [InlineData("\"\\ud800\\u0041\"", "lone surrogate escape", 1)]
        [InlineData("\"a\tb\"", "control character", 2)]
        [InlineData("{\"a\":1,\"a\":2}", "duplicate member 'a'", 7)]
        [InlineData("{\"a\":1} x", "unexpected text after the value", 8)]
        [InlineData("{\"a\" 1}", "expected ':'", 5)]
        [InlineData("/*c*/{}", "unexpected character", 0)]
        public void MalformedTextIsRefusedWithWhereAndWhy(string text, string why, int offset)
        {
            var e = Assert.Throws<JsonException>(() => JsonParser.Parse(text, Small));
            Assert.Contains(why, e.Message);
            Assert.Equal(offset, e.Offset);
        }

        [Fact]
        public void RawLoneSurrogatesAreRefused()
        {
            Assert.Contains("lone surrogate", Assert.Throws<JsonException>(() => JsonParser.Parse("\"a\uD800b\"", Small)).Message);
            Assert.Contains("lone surrogate", Assert.Throws<JsonException>(() => JsonParser.Parse("\"\uDC00\"", Small)).Message);
        }

        [Fact]
        public void NestingIsBoundedByTheDepthLimit()
        {
            string ok = new string('[', 16) + new string(']', 16);
            Assert.Equal(ok, Canonical(ok));
            string deep = new string('[', 17) + new string(']', 17);
            Assert.Contains("deeper than 16", Assert.Throws<JsonException>(() => JsonParser.Parse(deep, Small)).Message);
            // A hostile 100,000-deep document fails at level 17, long before the stack could.
            string hostile = new string('[', 100_000);
            Assert.Equal(16, Assert.Throws<JsonException>(() => JsonParser.Parse(hostile, new JsonLimits(1 << 20, 16))).Offset);
        }

        [Fact]
        public void OversizedTextIsRefusedBeforeItIsRead()
        {
            // 1 MB of garbage: refused on its length alone (offset 0), not on the garbage.
            string mb = new string('x', 1 << 20);
            var e = Assert.Throws<JsonException>(() => JsonParser.Parse(mb, JsonLimits.C2dMessage()));
            Assert.Equal(0, e.Offset);
            Assert.Contains("1048576 characters; at most 16384", e.Message);
        }

        [Fact]
        public void StringsMembersAndNodesAreBounded()
        {
            var limits = new JsonLimits(100_000, 8) { MaxMembers = 3, MaxNodes = 6 };
            JsonParser.Parse("\"12345678\"", limits);
            Assert.Contains("longer than 8", Assert.Throws<JsonException>(() => JsonParser.Parse("\"123456789\"", limits)).Message);
            Assert.Contains("more than 3 items", Assert.Throws<JsonException>(() => JsonParser.Parse("[1,2,3,4]", limits)).Message);
            Assert.Contains("more than 3 members", Assert.Throws<JsonException>(() => JsonParser.Parse("{\"a\":1,\"b\":1,\"c\":1,\"d\":1}", limits)).Message);
            Assert.Contains("more than 6 values", Assert.Throws<JsonException>(() => JsonParser.Parse("[[1,2],[3,4],[5]]", limits)).Message);
        }

        [Fact]
        public void AFilterKeepsOnlyTheNamedTopLevelMembersButChecksAll()
        {
            var root = JsonParser.Parse("{\"desired\":{\"a\":1},\"reported\":{\"big\":[1,2,3]}}", Small, new[] { "desired" });
            Assert.Equal(1, root.Count);
            Assert.Equal("desired", root.NameAt(0));
            Assert.Null(root.Get("reported"));
            // Skipped members are still held to the grammar and to the duplicate rule.
            Assert.Throws<JsonException>(() => JsonParser.Parse("{\"desired\":{},\"reported\":{\"x\":1,\"x\":2}}", Small, new[] { "desired" }));
            Assert.Throws<JsonException>(() => JsonParser.Parse("{\"desired\":{},\"reported\":[1,]}", Small, new[] { "desired" }));
            Assert.Throws<JsonException>(() => JsonParser.Parse("[]", Small, new[] { "desired" }));
        }

        [Theory]
        [InlineData("5", 0, 10, true, 5)]
        [InlineData("-3", -5, 0, true, -3)]
        [InlineData("11", 0, 10, false, 0)]
        [InlineData("1.0", 0, 10, false, 0)]
        [InlineData("1e3", 0, 10000, false, 0)]
        [InlineData("9223372036854775807999", 0, long.MaxValue, false, 0)]
        [InlineData("\"5\"", 0, 10, false, 0)]
        public void IntegersAreReadOnlyWhenIntegralAndInRange(string text, long min, long max, bool ok, long expected)
        {
            long v;
            Assert.Equal(ok, JsonParser.Parse(text, Small).TryGetLong(min, max, out v));
            Assert.Equal(expected, v);
        }

        [Fact]
        public void ErrorsNeverQuoteStringValues()
        {
            var e = Assert.Throws<JsonException>(() => JsonParser.Parse("{\"key\":\"-----BEGIN PRIVATE KEY-----MIIsecret\\q\"}", Small));
            Assert.DoesNotContain("secret", e.Message);
            Assert.DoesNotContain("PRIVATE", e.Message);
        }

        [Property(MaxTest = 500)]
        public bool AnyStringRoundTripsThroughTheWriter(string s)
        {
            if (s == null)
            {
                return true;
            }
            string written = JsonWriter.Quote(s);
            string back = JsonParser.Parse(written, new JsonLimits(1 << 20, 1 << 20)).Text;
            // Lone surrogates cannot be carried by JSON: the writer replaces them, everything else comes back exactly.
            return back == ReplaceLoneSurrogates(s);
        }

        [Property(MaxTest = 300)]
        public bool AnyTreeRoundTripsAndWritingIsDeterministic(int seed)
        {
            var random = new Random(seed);
            var w = new JsonWriter();
            WriteRandom(w, random, 0);
            string text = w.ToString();
            var limits = new JsonLimits(1 << 20, 1 << 20) { MaxNodes = 100_000, MaxMembers = 1000 };
            string again = new JsonWriter().Node(JsonParser.Parse(text, limits)).ToString();
            return again == text;
        }

        private static void WriteRandom(JsonWriter w, Random r, int depth)
        {
            int kind = depth >= 5 ? r.Next(4) : r.Next(6);
            switch (kind)
            {
                case 0: w.Null(); break;
                case 1: w.Value(r.Next(2) == 0); break;
                case 2: w.Value((long)r.Next(int.MinValue, int.MaxValue) * r.Next(1, 1000)); break;
                case 3: w.Value(RandomString(r)); break;
                case 4:
                    w.BeginArray();
                    for (int i = r.Next(4); i > 0; i--) WriteRandom(w, r, depth + 1);
                    w.EndArray();
                    break;
                default:
                    w.BeginObject();
                    int n = r.Next(4);
                    for (int i = 0; i < n; i++)
                    {
                        w.Name("m" + i + RandomString(r));
                        WriteRandom(w, r, depth + 1);
                    }
                    w.EndObject();
                    break;
            }
        }

        private static string RandomString(Random r)
        {
            var sb = new StringBuilder();
            for (int i = r.Next(8); i > 0; i--)
            {
                int pick = r.Next(5);
                sb.Append(pick switch
                {
                    0 => (char)r.Next(0, 32),
                    1 => '"',
                    2 => '\\',
                    3 => (char)r.Next(0x80, 0xD7FF),
                    _ => (char)r.Next('a', 'z'),
                });
            }
            return sb.ToString();
        }

        private static string ReplaceLoneSurrogates(string s)
        {
            var sb = new StringBuilder();
            for (int i = 0; i < s.Length; i++)
            {
                if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                {
                    sb.Append(s[i]).Append(s[++i]);
                }
                else
                {
                    sb.Append(char.IsSurrogate(s[i]) ? '\uFFFD' : s[i]);
                }
            }
            return sb.ToString();
        }
    }
}
