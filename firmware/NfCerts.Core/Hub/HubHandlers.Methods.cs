using NfCerts.Core.Json;
using NfCerts.Hal;

namespace NfCerts.Core.Hub
{
    public sealed partial class HubHandlers
    {
        /// <summary>The direct method that makes the device register with DPS again (the hub client then follows the
        /// assignment).</summary>
        public const string ReprovisionMethod = "reprovision";

        /// <inheritdoc />
        public void OnMethod(HubMethodCall call)
        {
            HubRouteHandler? handler = _router.Find(HubRouteKind.Method, call.Name);
            if (handler == null)
            {
                Answer(call, 501, "unknown method '" + JsonParser.Printable(call.Name) + "'");
                return;
            }
            var request = new HubRequest();
            request.Call = call;
            string payload = call.PayloadJson == null ? "" : call.PayloadJson.Trim();
            if (payload.Length > 0)
            {
                try
                {
                    request.Value = JsonParser.Parse(payload, JsonLimits.MethodPayload());
                }
                catch (JsonException e)
                {
                    Answer(call, 400, "the payload is not valid JSON: " + e.Message);
                    return;
                }
            }
            // The methods take no arguments: null, {} or nothing.
            JsonNode? p = request.Value;
            if (p != null && p.Kind != JsonKind.Null && (p.Kind != JsonKind.Object || p.Count > 0))
            {
                Answer(call, 400, call.Name + " takes no arguments (send {} or null)");
                return;
            }
            handler(request);
        }

        private static void Answer(HubMethodCall call, int status, string error)
        {
            call.Status = status;
            call.ResponseJson = new JsonWriter().BeginObject().Name("error").Value(error).EndObject().ToString();
        }

        private void OnCheckNow(HubRequest r)
        {
            _c.Engine.CheckNow();
            _health.Refresh(_reported, _c);
            r.Call!.Status = 200;
            r.Call.ResponseJson = HealthReport.RenewalJson(_c.Engine.Status);
        }

        private void OnGetHealth(HubRequest r)
        {
            _health.Refresh(_reported, _c);
            r.Call!.Status = 200;
            r.Call.ResponseJson = _reported.Document();
        }

        private void OnReprovision(HubRequest r)
        {
            ReprovisionRequest? reprovision = _c.Reprovision;
            string why = reprovision == null ? "this device is not provisioned through DPS" : reprovision("the operator asked (reprovision method)");
            if (why.Length > 0)
            {
                Answer(r.Call!, 409, why);
                return;
            }
            _health.Refresh(_reported, _c);
            r.Call!.Status = 202;
            r.Call.ResponseJson = "{\"queued\":true}";
        }

        private void OnReportNow(HubRequest r)
        {
            _reported.ForgetAccepted();
            r.Call!.Status = 200;
            r.Call.ResponseJson = "{\"queued\":true}";
        }
    }
}
