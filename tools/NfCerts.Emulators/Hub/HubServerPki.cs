using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;
using NfCerts.Emulators.Hub.Rest;
using NfCerts.Emulators.Pki;

namespace NfCerts.Emulators.Hub;

/// <summary>
/// The PKI directory of <c>nfcerts hub serve</c>, made on the first run and kept between runs so that devices and operators
/// keep trusting the same emulator: <c>device-ca.crt/.key</c> (the CA that signs devices registered by CA),
/// <c>{chain}-root.crt</c>, <c>{chain}-ca.crt</c> and <c>{chain}-server.crt/.key</c> for each server chain (<c>baltimore</c>:
/// a test root named like Baltimore CyberTrust Root; <c>digicert-g2</c>: one named like DigiCert Global Root G2; each with an
/// intermediate, as the real hub's chains have), <c>hub-roots.pem</c> (both roots: what a device or operator trusts), and
/// <c>owner.key</c> (the <c>iothubowner</c> policy's key). Keys are written 0600.
/// </summary>
public sealed class HubServerPki
{
    /// <summary>The server chains, the first presented at start.</summary>
    public static readonly string[] ChainNames = { "baltimore", "digicert-g2" };

    private static readonly Dictionary<string, (string Root, string Intermediate)> Subjects = new()
    {
        ["baltimore"] = ("CN=Baltimore CyberTrust Root (nf.Certs test),OU=CyberTrust,O=nf.Certs test", "CN=Microsoft Azure TLS Issuing CA 01 (nf.Certs test),O=nf.Certs test"),
        ["digicert-g2"] = ("CN=DigiCert Global Root G2 (nf.Certs test),OU=www.digicert.com,O=nf.Certs test", "CN=Microsoft Azure RSA TLS Issuing CA 03 (nf.Certs test),O=nf.Certs test"),
    };

    private HubServerPki(string directory, DevCredential deviceCa, Dictionary<string, X509Certificate2[]> chains, string ownerKey)
    {
        Directory = directory;
        DeviceCa = deviceCa;
        Chains = chains;
        OwnerKey = ownerKey;
    }

    /// <summary>Where the files are.</summary>
    public string Directory { get; }

    /// <summary>The CA that issues devices registered by CA.</summary>
    public DevCredential DeviceCa { get; }

    /// <summary>Each chain, leaf (with its key) first, then the intermediate, then the root.</summary>
    public IReadOnlyDictionary<string, X509Certificate2[]> Chains { get; }

    /// <summary>The <c>iothubowner</c> key, base64.</summary>
    public string OwnerKey { get; }

    /// <summary>The PEM file with every server chain's root.</summary>
    public string RootsPath => Path.Combine(Directory, "hub-roots.pem");

    /// <summary>Opens the PKI in <paramref name="directory"/>, making what is missing (valid from now: roots 20 years,
    /// intermediates 5, servers 1).</summary>
    public static HubServerPki Open(string directory) => Open(directory, DateTimeOffset.UtcNow, null);

    /// <summary>Opens the PKI in <paramref name="directory"/>, making what is missing valid from <paramref name="now"/> (a
    /// simulated world's time); intermediates and servers made for <paramref name="validFor"/> when given (a run that lives
    /// several simulated years), else 5 years and 1 year. Roots live 20 years, or longer than <paramref name="validFor"/>.</summary>
    public static HubServerPki Open(string directory, DateTimeOffset now, TimeSpan? validFor)
    {
        System.IO.Directory.CreateDirectory(directory);
        DateTimeOffset rootEnd = validFor is TimeSpan v && now + v > now.AddYears(20) ? now + v + TimeSpan.FromDays(365) : now.AddYears(20);
        DateTimeOffset caEnd = validFor is TimeSpan c ? now + c : now.AddYears(5);
        DateTimeOffset serverEnd = validFor is TimeSpan l ? now + l : now.AddYears(1);
        DevCredential deviceCa = LoadOrMake(directory, "device-ca", () => DevPki.Root("CN=nf.Certs Hub Emulator Device CA,O=nf.Certs test", now.AddDays(-1), now.AddYears(10)));
        var chains = new Dictionary<string, X509Certificate2[]>();
        var roots = new StringBuilder();
        foreach (string name in ChainNames)
        {
            DevCredential root = LoadOrMake(directory, name + "-root", () => DevPki.Root(Subjects[name].Root, now.AddDays(-1), rootEnd));
            DevCredential ca = LoadOrMake(directory, name + "-ca", () => DevPki.Intermediate(root, Subjects[name].Intermediate, now.AddDays(-1), caEnd));
            DevCredential server = LoadOrMake(directory, name + "-server", () => DevPki.Server(ca, new[] { "localhost", "127.0.0.1" }, now.AddDays(-1), serverEnd));
            chains[name] = new[] { server.Certificate, ca.Certificate, root.Certificate };
            roots.Append(root.Pem).Append('\n');
        }
        File.WriteAllText(Path.Combine(directory, "hub-roots.pem"), roots.ToString());
        string keyPath = Path.Combine(directory, "owner.key");
        if (!File.Exists(keyPath))
        {
            WritePrivate(keyPath, HubRestServer.NewKey() + "\n");
        }
        return new HubServerPki(directory, deviceCa, chains, File.ReadAllText(keyPath).Trim());
    }

    /// <summary>Every chain's root, as a device or an operator trusts them.</summary>
    public X509Certificate2Collection Roots()
    {
        var c = new X509Certificate2Collection();
        foreach (string name in ChainNames)
        {
            c.Add(Chains[name][2]);
        }
        return c;
    }

    /// <summary>The credential saved as <c>{name}.crt/.key</c> in <paramref name="directory"/>, made and saved first if missing.</summary>
    internal static DevCredential LoadOrMake(string directory, string name, Func<DevCredential> make)
    {
        if (File.Exists(Path.Combine(directory, name + ".crt")) && File.Exists(Path.Combine(directory, name + ".key")))
        {
            return DevCredential.Load(directory, name);
        }
        DevCredential made = make();
        made.Save(directory, name);
        return made;
    }

    /// <summary>Writes a secret readable by its owner only (0600).</summary>
    internal static void WritePrivate(string path, string text)
    {
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}

/// <summary>The emulator's switchable server chains (<see cref="IServerChains"/>), as contexts ready for every TLS handshake.</summary>
public sealed class HubServerChains : IServerChains
{
    private readonly Dictionary<string, SslStreamCertificateContext> _contexts = new(StringComparer.Ordinal);
    private readonly List<string> _names = new();
    private volatile string _current;

    private readonly HubServerPki _pki;
    private readonly Func<X509Certificate2, X509Certificate2Collection, Task> _switch;

    /// <summary>The chains of <paramref name="pki"/>, presenting the first; <paramref name="switchMqtt"/> makes the MQTT side
    /// present a leaf and its intermediates.</summary>
    public HubServerChains(HubServerPki pki, Func<X509Certificate2, X509Certificate2Collection, Task> switchMqtt)
    {
        _pki = pki;
        _switch = switchMqtt;
        foreach (string name in HubServerPki.ChainNames)
        {
            X509Certificate2[] chain = pki.Chains[name];
            _contexts[name] = SslStreamCertificateContext.Create(chain[0], new X509Certificate2Collection { chain[1] }, offline: true);
            _names.Add(name);
        }
        _current = _names[0];
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> Names => _names;

    /// <inheritdoc/>
    public string Current => _current;

    /// <summary>The context to present now.</summary>
    public SslStreamCertificateContext CurrentContext => _contexts[_current];

    /// <inheritdoc/>
    public async Task UseAsync(string name)
    {
        if (!_contexts.ContainsKey(name))
        {
            throw new KeyNotFoundException(name);
        }
        _current = name;
        X509Certificate2[] chain = _pki.Chains[name];
        await _switch(chain[0], new X509Certificate2Collection { chain[1] });
    }
}
