using System;
using System.Globalization;

namespace NfCerts.Hal.Host
{
    /// <summary>
    /// The one self-contained <c>radiusd.conf</c> of <see cref="FreeRadiusServer"/>: a single auth listener on 127.0.0.1,
    /// one client (localhost) with the shared secret, the eap module with TLS only (certificates in <c>DIR/pki</c>, client
    /// CAs in <c>ClientCA.crt</c>, no session cache, no OCSP), no reject delay, and the caller's uid (no user/group lines,
    /// so it can read its 0600 key).
    /// </summary>
    internal static class FreeRadiusConfig
    {
        public static string Render(string dir, int port, string secret, string maxTlsVersion)
        {
            if (dir.IndexOfAny(new[] { '"', '\n', '$', '{', '}' }) >= 0 || secret.IndexOfAny(new[] { '"', '\n', '\\' }) >= 0)
            {
                throw new ArgumentException("the directory or the secret cannot be written into radiusd.conf");
            }
            return Template
                .Replace("@DIR@", dir, StringComparison.Ordinal)
                .Replace("@PORT@", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("@SECRET@", secret, StringComparison.Ordinal)
                .Replace("@TLSMAX@", maxTlsVersion, StringComparison.Ordinal);
        }

        private const string Template = @"prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
sbindir = /usr/sbin
libdir = /usr/lib/freeradius
raddbdir = ""@DIR@""
confdir = ${raddbdir}
certdir = ""@DIR@/pki""
cadir = ""@DIR@/pki""
run_dir = ""@DIR@/run""
logdir = ${run_dir}
db_dir = ${run_dir}
name = freeradius
pidfile = ${run_dir}/${name}.pid
max_request_time = 30
cleanup_delay = 0
max_requests = 1024
hostname_lookups = no
log {
	destination = stdout
	colourise = no
	auth = yes
}
security {
	allow_core_dumps = no
	max_attributes = 200
	reject_delay = 0
	status_server = yes
}
thread pool {
	start_servers = 2
	max_servers = 8
	min_spare_servers = 1
	max_spare_servers = 4
	max_requests_per_server = 0
}
client localhost {
	ipaddr = 127.0.0.1
	proto = udp
	secret = ""@SECRET@""
	require_message_authenticator = no
	nas_type = other
}
modules {
	eap {
		default_eap_type = tls
		timer_expire = 60
		ignore_unknown_eap_types = no
		cisco_accounting_username_bug = no
		max_sessions = ${max_requests}
		tls-config tls-common {
			certificate_file = ${certdir}/server.crt
			private_key_file = ${certdir}/server.key
			ca_file = ${cadir}/ClientCA.crt
			cipher_list = ""DEFAULT""
			cipher_server_preference = no
			tls_min_version = ""1.2""
			tls_max_version = ""@TLSMAX@""
			cache { enable = no }
			verify { }
			ocsp { enable = no }
		}
		tls {
			tls = tls-common
		}
	}
}
server default {
	listen {
		type = auth
		ipaddr = 127.0.0.1
		port = @PORT@
	}
	authorize {
		eap {
			ok = return
		}
	}
	authenticate {
		eap
	}
	post-auth {
		Post-Auth-Type REJECT {
			eap
		}
	}
}
";
    }
}
