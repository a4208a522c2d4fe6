using System;
using System.Collections.Generic;
using System.IO;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Tests.Radio
{
    /// <summary>
    /// One FreeRADIUS server for the whole test class. If freeradius or eapol_test is missing, constructing it throws and
    /// every test of the class fails with the message (install: apt-get install -y freeradius eapoltest).
    /// </summary>
    public sealed class FreeRadiusFixture : IDisposable
    {
        public FreeRadiusFixture()
        {
            var pki = TestPki.Instance;
            Authenticator = new FreeRadiusAuthenticator(pki.Server1, null, pki.ClientCAs());
        }

        public FreeRadiusAuthenticator Authenticator { get; }

        public void Dispose()
        {
            Authenticator.Dispose();
        }
    }

    /// <summary>The contract against FreeRADIUS 3 and eapol_test, plus the handling of the credential files and the server process.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public sealed class FreeRadiusAuthenticatorTests : EapAuthenticatorContract, IClassFixture<FreeRadiusFixture>, IDisposable
    {
        private readonly FreeRadiusAuthenticator _radius;
        private readonly string _tempRoot;

        public FreeRadiusAuthenticatorTests(FreeRadiusFixture fixture, ITestOutputHelper output)
            : base(fixture.Authenticator, output)
        {
            _radius = fixture.Authenticator;
            _tempRoot = Path.Combine(Path.GetTempPath(), "nfcerts-radio-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_tempRoot);
            _radius.TempRoot = _tempRoot;
        }

        protected override int BenchRuns { get { return 20; } }

        public void Dispose()
        {
            _radius.TempRoot = null;
            Directory.Delete(_tempRoot, true);
        }

        [Fact]
        public void ValidityIsJudgedAtRealTimeNotTheSuppliedTime()
        {
            Assert.False(_radius.UsesSuppliedTime);
            Clock.UtcNow = Pki.Now.AddYears(3);
            AssertSuccess(Radio.Connect(TestPki.Request(Ssid, Pki.Client, Pki.RootCA1)));
        }

        [Fact]
        public void CredentialFilesAreCreated0600InA0700DirectoryAndRemovedAfterEveryOutcome()
        {
            var seen = new List<string>();
            Action<string> inspect = dir =>
            {
                Assert.Equal(_tempRoot, Path.GetDirectoryName(dir));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
                var files = Directory.GetFiles(dir);
                Assert.Equal(4, files.Length);
                foreach (var f in files)
                {
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f));
                }
                var key = File.ReadAllText(Path.Combine(dir, "client.key"));
                Assert.StartsWith("-----BEGIN PRIVATE KEY-----", key);
                seen.Add(dir);
            };
            _radius.CredentialsStaged += inspect;
            try
            {
                AssertSuccess(Radio.Connect(TestPki.Request(Ssid, Pki.Client, Pki.RootCA1)));
                Assert.Equal(WifiFailureReason.ServerCertificateNotTrusted, Radio.Connect(TestPki.Request(Ssid, Pki.Client, Pki.RootCA2)).Reason);
                Assert.Equal(WifiFailureReason.ClientCertificateRejected, Radio.Connect(TestPki.Request(Ssid, Pki.ExpiredClient, Pki.RootCA1)).Reason);
            }
            finally
            {
                _radius.CredentialsStaged -= inspect;
            }
            Assert.Equal(3, seen.Count);
            foreach (var dir in seen)
            {
                Assert.False(Directory.Exists(dir), dir + " is left behind");
            }
            Assert.Empty(Directory.GetFileSystemEntries(_tempRoot));
        }

        [Fact]
        public void CredentialFilesAreRemovedAfterATimeoutToo()
        {
            var request = TestPki.Request(Ssid, Pki.Client, Pki.RootCA1);
            request.Timeout = TimeSpan.FromSeconds(1);
            string? staged = null;
            Action<string> inspect = dir => staged = dir;
            _radius.CredentialsStaged += inspect;
            try
            {
                _radius.StopServer();
                Assert.Equal(WifiFailureReason.Timeout, Radio.Connect(request).Reason);
            }
            finally
            {
                _radius.CredentialsStaged -= inspect;
                _radius.StartServer();
            }
            Assert.NotNull(staged);
            Assert.False(Directory.Exists(staged));
            Assert.Empty(Directory.GetFileSystemEntries(_tempRoot));
        }

        [Fact]
        public void ChangingTheCertificateRestartsTheServerAndStopReapsIt()
        {
            var server = _radius.Server;
            int starts = server.StartCount;
            try
            {
                _radius.ChangeServerCertificate(Pki.Server2);
                Assert.Equal(starts + 1, server.StartCount);
                Assert.True(server.IsRunning);
                Assert.True(server.LastStartDuration < TimeSpan.FromSeconds(5), "start took " + server.LastStartDuration);
                Output.WriteLine("FreeRADIUS restart: ready after " + server.LastStartDuration.TotalMilliseconds + " ms");

                _radius.StopServer();
                Assert.False(server.IsRunning);
                _radius.StopServer();
                Assert.False(server.IsRunning);
            }
            finally
            {
                _radius.StartServer();
                _radius.ChangeServerCertificate(Pki.Server1);
            }
            Assert.True(server.IsRunning);
            AssertSuccess(Radio.Connect(TestPki.Request(Ssid, Pki.Client, Pki.RootCA1)));
        }

        [Fact]
        public void ServerKeyIsPrivateToTheServerDirectory()
        {
            var dir = _radius.Server.ConfigDirectory;
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "pki", "server.key")));
        }
    }
}
