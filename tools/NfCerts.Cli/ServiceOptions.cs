using System;
using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using NfCerts.Emulators.Hub.Rest;

namespace NfCerts.Cli
{
    /// <summary>
    /// The options every operator command of a service takes (its connection string, the roots its HTTPS certificate
    /// must chain to, <c>--json</c>) and the client they open (<see cref="ServiceTarget.Resolve"/>). One instance per
    /// command.
    /// </summary>
    internal class ServiceOptions<TClient>
    {
        private readonly Option<string> _connection;
        private readonly Option<string> _ca;
        private readonly string _variable;
        private readonly string _caVariable;
        private readonly string _service;
        private readonly string _caHint;
        private readonly string _serve;
        private readonly Func<HubConnectionString, X509Certificate2Collection?, TClient> _open;

        /// <param name="connection">The connection string's option.</param>
        /// <param name="ca">The roots file's option.</param>
        /// <param name="variable">The connection string's environment variable.</param>
        /// <param name="caVariable">The roots file's environment variable.</param>
        /// <param name="service">"hub" or "DPS", for the messages.</param>
        /// <param name="caHint">The roots option and what to pass, e.g. <c>--hub-ca PKI/hub-roots.pem</c>.</param>
        /// <param name="serve">The command that prints a connection string, e.g. <c>nfcerts hub serve</c>.</param>
        /// <param name="open">Makes the client for the resolved connection string and roots.</param>
        protected ServiceOptions(Option<string> connection, Option<string> ca, string variable, string caVariable, string service,
            string caHint, string serve, Func<HubConnectionString, X509Certificate2Collection?, TClient> open)
        {
            _connection = connection;
            _ca = ca;
            _variable = variable;
            _caVariable = caVariable;
            _service = service;
            _caHint = caHint;
            _serve = serve;
            _open = open;
        }

        /// <summary>The <c>--json</c> option.</summary>
        public Option<bool> Json { get; } = Parameters.Json();

        /// <summary>Adds the options to <paramref name="command"/>.</summary>
        public T Add<T>(T command) where T : Command
        {
            command.Add(_connection);
            command.Add(_ca);
            command.Add(Json);
            return command;
        }

        /// <summary>The client for what the command line (or the environment) names.</summary>
        public TClient Open(ParseResult r)
        {
            (HubConnectionString target, X509Certificate2Collection? roots) = ServiceTarget.Resolve(r.GetValue(_connection), r.GetValue(_ca),
                _variable, _caVariable, _service, _connection.Name, _caHint, _serve);
            return _open(target, roots);
        }
    }
}
