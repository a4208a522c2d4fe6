using System.Collections;
using NfCerts.Core.Json;
using NfCerts.Hal;

namespace NfCerts.Core.Hub
{
    /// <summary>What a route answers.</summary>
    public enum HubRouteKind
    {
        /// <summary>A C2D message, by its type.</summary>
        Message = 1,
        /// <summary>A direct method, by its name.</summary>
        Method = 2,
        /// <summary>A desired property, by its name.</summary>
        Desired = 3,
    }

    /// <summary>One request as a route sees it.</summary>
    public sealed class HubRequest
    {
        /// <summary>The parsed body, payload or property value (null for an empty method payload).</summary>
        public JsonNode? Value;
        /// <summary>The desired properties' <c>$version</c> (desired routes only).</summary>
        public long Version;
        /// <summary>The method call to answer (method routes only).</summary>
        public HubMethodCall? Call;
    }

    /// <summary>Handles one routed request.</summary>
    public delegate void HubRouteHandler(HubRequest request);

    /// <summary>
    /// The table from (kind, name) to handler: C2D message types, method names and desired property names. A small
    /// table rather than an if-chain: what the device answers is listed in one place and tested as a table.
    /// </summary>
    public sealed class HubRouter
    {
        private readonly ArrayList _kinds = new ArrayList();
        private readonly ArrayList _names = new ArrayList();
        private readonly ArrayList _handlers = new ArrayList();

        /// <summary>Adds a route; a (kind, name) pair may be routed once.</summary>
        public void Add(HubRouteKind kind, string name, HubRouteHandler handler)
        {
            if (Find(kind, name) != null)
            {
                throw new System.ArgumentException("route already defined: " + name);
            }
            _kinds.Add(kind);
            _names.Add(name);
            _handlers.Add(handler);
        }

        /// <summary>The handler for (kind, name), or null when there is none (names are case-sensitive, as the hub's).</summary>
        public HubRouteHandler? Find(HubRouteKind kind, string name)
        {
            for (int i = 0; i < _names.Count; i++)
            {
                if ((HubRouteKind)_kinds[i]! == kind && (string)_names[i]! == name)
                {
                    return (HubRouteHandler)_handlers[i]!;
                }
            }
            return null;
        }

        /// <summary>The names routed for <paramref name="kind"/>, in table order (the order desired properties are applied in).</summary>
        public string[] Names(HubRouteKind kind)
        {
            var r = new ArrayList();
            for (int i = 0; i < _names.Count; i++)
            {
                if ((HubRouteKind)_kinds[i]! == kind)
                {
                    r.Add(_names[i]);
                }
            }
            var a = new string[r.Count];
            for (int i = 0; i < a.Length; i++)
            {
                a[i] = (string)r[i]!;
            }
            return a;
        }
    }
}
