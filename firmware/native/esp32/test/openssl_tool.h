// Runs the openssl command line in a private temporary directory for the tests: reference keys, certificates,
// signatures and checks of what the native code produced. Files are created 0600 in a 0700 directory and removed
// with it; nothing is printed unless a command fails, and then only openssl's own messages.
#pragma once

#include <stdint.h>

#include <string>
#include <vector>

namespace testing_tools
{

struct Result
{
    int exitCode;
    std::string output; // stdout and stderr together
};

class OpenSsl
{
public:
    OpenSsl();
    ~OpenSsl();
    OpenSsl(const OpenSsl &) = delete;
    OpenSsl &operator=(const OpenSsl &) = delete;

    // Runs "openssl <arguments>" in the directory; arguments are passed through the shell as written.
    Result Run(const std::string &arguments) const;
    // As Run, and fails the current test when openssl exits non-zero; returns the output.
    std::string Ok(const std::string &arguments) const;

    std::string Path(const std::string &name) const;
    void Write(const std::string &name, const std::vector<uint8_t> &bytes) const;
    std::vector<uint8_t> Read(const std::string &name) const;

    // A self-signed certificate and its key: EC P-256 ("ec") or RSA 2048 ("rsa"). Writes <name>.key.pem,
    // <name>.crt.der and <name>.key.der (PKCS#8), <name>.sec1.der / <name>.pkcs1.der (traditional form).
    void MakeSelfSigned(const std::string &name, const std::string &algorithm, const std::string &subject) const;

    // A certificate for <subject> signed by <issuer> (made by MakeSelfSigned or MakeIssued), EC P-256, a CA when
    // <ca>: writes the same files as MakeSelfSigned.
    void MakeIssued(const std::string &name, const std::string &subject, const std::string &issuer, bool ca) const;

private:
    std::string directory_;
};

std::vector<uint8_t> Bytes(const std::string &text);

} // namespace testing_tools
