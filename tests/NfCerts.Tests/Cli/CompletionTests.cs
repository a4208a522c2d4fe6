using System;
using System.IO;
using System.Linq;
using NfCerts.Tests.Support;
using Xunit;

namespace NfCerts.Tests.Cli
{
    /// <summary>Tab completion: the library's [suggest] directive, and the bash script of `nfcerts completion bash` driving it.</summary>
    public sealed class CompletionTests
    {
        private static string[] Suggest(string line)
        {
            var (code, stdout, stderr) = Nfcerts.Run("[suggest:" + line.Length + "]", line);
            Assert.True(code == 0, stderr);
            return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }

        [Fact]
        public void TheSuggestDirectiveCompletesCommandsOptionsAndValues()
        {
            Assert.Contains("store", Suggest("sto"));
            var store = Suggest("store ");
            foreach (var c in new[] { "init", "ls", "show", "install-root", "install-client", "move", "rm", "stats" })
            {
                Assert.Contains(c, store);
            }
            Assert.Contains("--json", Suggest("store ls dev.img --j"));
            Assert.Equal(new[] { "eap-tls", "open", "psk" }, Suggest("wifi add dev.img --security ").Order());
            var shells = Suggest("completion ");
            Assert.Contains("bash", shells);
            Assert.Contains("zsh", shells);
            Assert.Contains("pwsh", shells);
        }

        [Fact]
        public void IdentifiersAndNetworkNamesCompleteFromTheImage()
        {
            var dir = Directory.CreateTempSubdirectory("nfcerts-complete-").FullName;
            try
            {
                var img = Path.Combine(dir, "dev.img");
                var root = Path.Combine(dir, "root.pem");
                File.WriteAllText(root, TestPki.Root("Completion Root").Pem);
                Assert.Equal(0, Nfcerts.Run("store", "init", img).Code);
                Assert.Equal(0, Nfcerts.Run("store", "install-root", img, "RootCA1", root).Code);
                Assert.Equal(0, Nfcerts.Run("store", "install-root", img, "RootCA2", root).Code);
                Assert.Equal(0, Nfcerts.Run("wifi", "add", img, "--name", "Guest", "--ssid", "guest", "--security", "open").Code);
                Assert.Equal(new[] { "RootCA1", "RootCA2" }, Suggest("store rm " + img + " Root"));
                Assert.Equal(new[] { "RootCA1", "RootCA2" }, Suggest("wifi add " + img + " --root-ca R"));
                Assert.Equal(new[] { "Guest" }, Suggest("wifi show " + img + " G"));
                Assert.DoesNotContain(Suggest("store rm " + Path.Combine(dir, "missing.img") + " "), s => s.StartsWith("Root"));
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }

        [Theory]
        [InlineData("nfcerts sto", "store")]
        [InlineData("nfcerts store inst", "install-client install-root")]
        [InlineData("nfcerts store ls --j", "--json")]
        [InlineData("nfcerts wifi add dev.img --security p", "psk")]
        [InlineData("nfcerts bench ", "emulator est health memory store")]
        [InlineData("nfcerts store ls ", "")] // an IMAGE: no options until a dash is typed, so bash completes file names
        public void TheBashScriptCompletesThroughTheProgram(string line, string expected)
        {
            var script = Nfcerts.Run("completion", "bash").Out;
            var words = line.Split(' ');
            var bash = script + "\n" +
                "COMP_LINE='" + line + "'; COMP_POINT=" + line.Length + "; COMP_WORDS=(" + string.Join(" ", words.Select(w => "'" + w + "'")) + ");" +
                " COMP_CWORD=" + (words.Length - 1) + "; _nfcerts_complete; printf '%s\\n' \"${COMPREPLY[@]}\"";
            var (code, stdout, stderr) = Nfcerts.Process("bash", new[] { "--norc", "--noprofile", "-c", bash }, psi =>
                psi.Environment["PATH"] = AppContext.BaseDirectory + ":" + psi.Environment["PATH"]);
            Assert.True(code == 0, stderr);
            Assert.Equal(expected, string.Join(" ", stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order()));
        }

        [Theory]
        [InlineData("bash", "complete -o default -F _nfcerts_complete nfcerts")]
        [InlineData("zsh", "compdef _nfcerts nfcerts")]
        [InlineData("pwsh", "Register-ArgumentCompleter -Native -CommandName nfcerts")]
        public void EachShellGetsItsScript(string shell, string registration)
        {
            var (code, script, _) = Nfcerts.Run("completion", shell);
            Assert.Equal(0, code);
            Assert.Contains(registration, script);
            Assert.Contains("[suggest:", script);
        }
    }
}
