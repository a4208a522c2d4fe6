using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using NfCerts.Analyzers;
using Xunit;

namespace NfCerts.Portability.Tests
{
    /// <summary>The rules fail the build and say why: every one is an error, enabled by default, with a stable ID.</summary>
    public class RuleCatalogTests
    {
        [Fact]
        public void Every_rule_is_an_enabled_error_that_names_nanoFramework()
        {
            var rules = new PortabilityAnalyzer().SupportedDiagnostics;

            Assert.Equal(13, rules.Length);
            Assert.Equal(rules.Length, rules.Select(r => r.Id).Distinct().Count());
            Assert.All(rules, rule =>
            {
                Assert.Matches(new Regex("^NF00[0-9]{2}$"), rule.Id);
                Assert.Equal(DiagnosticSeverity.Error, rule.DefaultSeverity);
                Assert.True(rule.IsEnabledByDefault, rule.Id);
                Assert.Contains("nanoFramework 1.x", rule.MessageFormat.ToString(), System.StringComparison.Ordinal);
                Assert.Contains("{0}", rule.MessageFormat.ToString(), System.StringComparison.Ordinal);
            });
        }
    }
}
