using System.Reflection;

[assembly: AssemblyTitle("NfCerts.Device")]
[assembly: AssemblyDescription("nf.Certs firmware: keeps the device connected through certificate rotations")]
[assembly: AssemblyProduct("nf.Certs")]
[assembly: AssemblyCopyright("Copyright (c) nf.Certs contributors, MIT licence")]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: AssemblyFileVersion("0.1.0.0")]
