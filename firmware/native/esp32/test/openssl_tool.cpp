#include "openssl_tool.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <iterator>

#include <gtest/gtest.h>

namespace testing_tools
{

OpenSsl::OpenSsl()
{
    char pattern[] = "/tmp/nfcerts-native-XXXXXX";
    const char *made = mkdtemp(pattern); // 0700
    if (made == nullptr)
    {
        ADD_FAILURE() << "cannot create a temporary directory";
        return;
    }

    directory_ = made;
}

OpenSsl::~OpenSsl()
{
    if (!directory_.empty())
    {
        std::string command = "rm -rf '" + directory_ + "'";
        if (system(command.c_str()) != 0)
        {
            ADD_FAILURE() << "cannot remove " << directory_;
        }
    }
}

Result OpenSsl::Run(const std::string &arguments) const
{
    std::string command = "cd '" + directory_ + "' && umask 077 && " NFCERTS_OPENSSL " " + arguments + " 2>&1";
    Result result = {-1, std::string()};
    FILE *pipe = popen(command.c_str(), "r");
    if (pipe == nullptr)
    {
        return result;
    }

    char buffer[512];
    size_t n;
    while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0)
    {
        result.output.append(buffer, n);
    }

    int status = pclose(pipe);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::string OpenSsl::Ok(const std::string &arguments) const
{
    Result result = Run(arguments);
    EXPECT_EQ(0, result.exitCode) << "openssl " << arguments << "\n" << result.output;
    return result.output;
}

std::string OpenSsl::Path(const std::string &name) const
{
    return directory_ + "/" + name;
}

void OpenSsl::Write(const std::string &name, const std::vector<uint8_t> &bytes) const
{
    std::string path = Path(name);
    {
        std::ofstream out(path.c_str(), std::ios::binary | std::ios::trunc);
        out.write((const char *)bytes.data(), (std::streamsize)bytes.size());
    }

    chmod(path.c_str(), 0600);
}

std::vector<uint8_t> OpenSsl::Read(const std::string &name) const
{
    std::ifstream in(Path(name).c_str(), std::ios::binary);
    return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void OpenSsl::MakeSelfSigned(const std::string &name, const std::string &algorithm, const std::string &subject) const
{
    std::string newkey = algorithm == "ec" ? "-newkey ec -pkeyopt ec_paramgen_curve:P-256" : "-newkey rsa:2048";
    Ok("req -x509 " + newkey + " -nodes -days 2 -subj '" + subject + "' -keyout " + name + ".key.pem -out " + name +
       ".crt.pem");
    Ok("x509 -in " + name + ".crt.pem -outform DER -out " + name + ".crt.der");
    Ok("pkcs8 -topk8 -nocrypt -in " + name + ".key.pem -outform DER -out " + name + ".key.der");
    if (algorithm == "ec")
    {
        Ok("ec -in " + name + ".key.pem -outform DER -out " + name + ".sec1.der");
    }
    else
    {
        Ok("rsa -in " + name + ".key.pem -traditional -outform DER -out " + name + ".pkcs1.der");
    }
}

void OpenSsl::MakeIssued(const std::string &name, const std::string &subject, const std::string &issuer, bool ca) const
{
    Write(name + ".ext", Bytes(ca ? "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
                                  : "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                                    "extendedKeyUsage=clientAuth\n"));
    Ok("req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '" + subject + "' -keyout " + name +
       ".key.pem -out " + name + ".csr.pem");
    Ok("x509 -req -in " + name + ".csr.pem -CA " + issuer + ".crt.pem -CAkey " + issuer + ".key.pem -set_serial " +
       std::to_string(std::hash<std::string>()(name) & 0x7FFFFFFF) + " -days 2 -extfile " + name + ".ext -out " + name +
       ".crt.pem");
    Ok("x509 -in " + name + ".crt.pem -outform DER -out " + name + ".crt.der");
    Ok("pkcs8 -topk8 -nocrypt -in " + name + ".key.pem -outform DER -out " + name + ".key.der");
    Ok("ec -in " + name + ".key.pem -outform DER -out " + name + ".sec1.der");
}

std::vector<uint8_t> Bytes(const std::string &text)
{
    return std::vector<uint8_t>(text.begin(), text.end());
}

} // namespace testing_tools
