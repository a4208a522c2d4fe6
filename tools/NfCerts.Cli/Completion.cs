using System.CommandLine;

namespace NfCerts.Cli
{
    /// <summary>
    /// <c>nfcerts completion SHELL</c>: a script that completes nfcerts commands, options and values in bash, zsh or
    /// PowerShell. Each script asks nfcerts itself through System.CommandLine's <c>[suggest:POSITION]</c> directive (the
    /// one dotnet-suggest calls), so the completions always match the command tree; where nfcerts has none, the shell
    /// completes file names.
    /// </summary>
    internal static class Completion
    {
        public static Command Build()
        {
            var shell = Parameters.Choice(new Argument<string>("SHELL") { Description = "The shell to print the script for: bash, zsh or pwsh" }, "bash", "zsh", "pwsh");
            var completion = new Command("completion", "Print the tab-completion script for bash, zsh or pwsh (PowerShell)") { shell }
                .WithExamples("completion bash > ~/.local/share/bash-completion/completions/nfcerts", "completion zsh > ~/.zfunc/_nfcerts",
                    "completion pwsh >> $PROFILE");
            completion.SetAction(r =>
            {
                r.InvocationConfiguration.Output.Write(Script(r.GetValue(shell)!));
                return 0;
            });
            return completion;
        }

        public static string Script(string shell) => shell switch
        {
            "bash" => Bash,
            "zsh" => Zsh,
            _ => Pwsh,
        };

        // Each script passes the words after the program name, up to the cursor, and the cursor's offset in them. The
        // library matches anywhere in a name; the shells keep the names that start with the word typed. Options are
        // offered once a dash is typed, and the Windows spellings of help (/?, /h) never, so that file names stay in reach.
        private const string Bash = """
            # nfcerts tab completion for bash: add `source <(nfcerts completion bash)` to ~/.bashrc
            _nfcerts_complete()
            {
                local exe="${COMP_WORDS[0]}" cur="${COMP_WORDS[COMP_CWORD]}"
                local line="${COMP_LINE:0:COMP_POINT}"
                local rest="${line#*"$exe"}"
                rest="${rest# }"
                local IFS=$'\n' word
                COMPREPLY=()
                for word in $("$exe" "[suggest:${#rest}]" "$rest" 2>/dev/null); do
                    case "$word" in
                        /*) continue ;;
                        -*) [[ "$cur" == -* ]] || continue ;;
                    esac
                    [[ "$word" == "$cur"* ]] && COMPREPLY+=("$word")
                done
            }
            complete -o default -F _nfcerts_complete nfcerts

            """;

        private const string Zsh = """
            #compdef nfcerts
            # nfcerts tab completion for zsh: save as _nfcerts in a directory of $fpath, or add
            # `source <(nfcerts completion zsh)` to ~/.zshrc after compinit
            _nfcerts() {
                local rest="${BUFFER[1,CURSOR]}" cur="${words[CURRENT]}" word
                rest="${rest#*${words[1]}}"
                rest="${rest# }"
                local -a found
                for word in "${(@f)$(${words[1]} "[suggest:${#rest}]" "$rest" 2>/dev/null)}"; do
                    case "$word" in
                        (/*|'') continue ;;
                        (-*) [[ "$cur" == -* ]] || continue ;;
                    esac
                    found+=("$word")
                done
                if (( ${#found} )); then
                    compadd -a found
                else
                    _files
                fi
            }
            compdef _nfcerts nfcerts

            """;

        private const string Pwsh = """
            # nfcerts tab completion for PowerShell: add `nfcerts completion pwsh | Out-String | Invoke-Expression` to $PROFILE
            Register-ArgumentCompleter -Native -CommandName nfcerts -ScriptBlock {
                param($wordToComplete, $commandAst, $cursorPosition)
                $exe = $commandAst.CommandElements[0].ToString()
                $line = $commandAst.ToString()
                $rest = $line.Substring($exe.Length).TrimStart()
                $pos = $cursorPosition - $commandAst.Extent.StartOffset - ($line.Length - $rest.Length)
                if ($pos -gt $rest.Length) { $rest = $rest.PadRight($pos) }
                & $exe "[suggest:$pos]" "$rest" 2>$null | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
                    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
                }
            }

            """;
    }
}
