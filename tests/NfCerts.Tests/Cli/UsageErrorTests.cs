using Xunit;

namespace NfCerts.Tests.Cli
{
    /// <summary>A wrong command line exits 2, names what is wrong on stderr, says where the help is, and prints nothing on stdout.</summary>
    public sealed class UsageErrorTests
    {
        [Theory]
        [InlineData("missing argument IMAGE for 'nfcerts store ls'", "store", "ls")]
        [InlineData("missing argument DST for 'nfcerts store move'", "store", "move", "x.img", "RootCA2")]
        [InlineData("unexpected argument 'extra' for 'nfcerts store rm'", "store", "rm", "x.img", "RootCA1", "extra")]
        [InlineData("unknown option '--bogus' for 'nfcerts store ls'", "store", "ls", "x.img", "--bogus")]
        [InlineData("unknown option '--jsn' for 'nfcerts store ls'; did you mean '--json'?", "store", "ls", "x.img", "--jsn")]
        [InlineData("unknown command 'stor' for 'nfcerts'; did you mean 'store'?", "stor", "ls", "x.img")]
        [InlineData("unknown command 'instal-root' for 'nfcerts store'; did you mean 'install-root'?", "store", "instal-root")]
        [InlineData("unknown command 'frobnicate' for 'nfcerts'", "frobnicate")]
        [InlineData("option '--radius' is required", "wifi", "test", "x.img", "Network1", "--secret", "s")]
        [InlineData("--size must be a positive number of bytes, not '12Q'", "store", "init", "x.img", "--size", "12Q")]
        [InlineData("--security must be open, psk or eap-tls, not 'wep'", "wifi", "add", "x.img", "--name", "N", "--ssid", "S", "--security", "wep")]
        [InlineData("SHELL must be bash, zsh or pwsh, not 'fish'", "completion", "fish")]
        [InlineData("--radius must be HOST:PORT, not '127.0.0.1'", "wifi", "test", "x.img", "Network1", "--radius", "127.0.0.1", "--secret", "s")]
        [InlineData("--sector must be a power of two from 512 to 65536", "store", "init", "x.img", "--sector", "3000")]
        public void ExitsTwoNamingTheBadArgument(string message, params string[] args)
        {
            var (code, stdout, stderr) = Nfcerts.Run(args);
            Assert.Equal(2, code);
            Assert.Equal("", stdout);
            Assert.Contains("nfcerts: " + message, stderr);
            Assert.Contains("--help')", stderr);
        }

        [Theory]
        [InlineData]
        [InlineData("store")]
        [InlineData("wifi")]
        [InlineData("bench")]
        public void AGroupWithoutItsCommandPrintsItsHelpOnStderrAndExitsTwo(params string[] args)
        {
            var (code, stdout, stderr) = Nfcerts.Run(args);
            Assert.Equal(2, code);
            Assert.Equal("", stdout);
            Assert.Contains("needs a command", stderr);
            Assert.Contains("Usage:", stderr);
            Assert.Contains("Examples:", stderr);
        }

        [Fact]
        public void AMissingImageIsAFailureNotAUsageError()
        {
            var (code, _, stderr) = Nfcerts.Run("store", "ls", "/nonexistent/x.img");
            Assert.Equal(1, code);
            Assert.Contains("no such image", stderr);
        }
    }
}
