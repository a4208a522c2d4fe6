using System.Reflection;

[assembly: AssemblyTitle("NfCerts.Esp32")]
[assembly: AssemblyDescription("nf.Certs ESP32 native interop: EAP-TLS station, key vault, certificate store partition")]
[assembly: AssemblyProduct("nf.Certs")]
[assembly: AssemblyCopyright("Copyright (c) nf.Certs contributors, MIT licence")]
[assembly: AssemblyVersion("1.0.0.0")]

// The version of the native half this assembly needs; the firmware's native table carries the same { 3, 0, 0, 0 }.
// 2: NativeKeys.DeviceKeyStatus, Seal and Unseal. 3: NativeKeys.CreateCsr takes the request's attributes.
[assembly: AssemblyNativeVersion("3.0.0.0")]
