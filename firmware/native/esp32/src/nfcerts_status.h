// Status codes shared by the native core and the nanoCLR marshalling layer. The managed side
// (firmware/native/esp32/managed) maps them to the HAL's exception types; keep both in step.
#pragma once

namespace nfcerts
{

// Results of the key vault functions: >= 0 is success (a length or a boolean), < 0 one of these.
enum KeyStatus
{
    KeyOk = 0,
    KeyInvalidData = -1,   // KeyVaultError.InvalidData
    KeyNotSupported = -2,  // KeyVaultError.NotSupported
    KeyWrongPassword = -3, // KeyVaultError.WrongPassword
    KeyFailed = -4,        // KeyVaultError.Failed
    KeyBufferTooSmall = -5, // the caller's output buffer is too small (a bug on the managed side)
    KeyNotProtected = -6,   // sealing refused: the device key would lie readable in flash (flash encryption off)
    KeyInvalidAttributes = -7 // CSR attributes that are not a well-formed SET OF Attribute (KeyVaultError.InvalidData)
};

// Results of the flash partition functions.
enum FlashStatus
{
    FlashOk = 0,
    FlashOutOfRange = -1, // FlashError.OutOfRange
    FlashMisaligned = -2, // FlashError.Misaligned
    FlashIo = -3,         // FlashError.Io
    FlashNotFound = -4    // no partition with that label: the firmware image lacks the table entry
};

// The HAL's WifiFailureReason (hal/NfCerts.Hal/IWifiRadio.cs), value for value. A test parses the C# enum
// and fails when the two drift apart.
enum WifiReason
{
    WifiNone = 0,
    WifiNetworkNotFound = 1,
    WifiAuthenticationFailed = 2,
    WifiServerCertificateNotTrusted = 3,
    WifiClientCertificateRejected = 4,
    WifiTimeout = 5,
    WifiLinkLost = 6,
    WifiRadioError = 7,
    WifiInvalidRequest = 8,
    WifiNotSupportedByFirmware = 9 // managed only (stock firmware without this library); never returned natively
};

// The HAL's WifiSecurity values.
enum WifiSecurityKind
{
    SecurityOpen = 0,
    SecurityWpa2Psk = 1,
    SecurityWpa2EapTls = 2
};

} // namespace nfcerts
