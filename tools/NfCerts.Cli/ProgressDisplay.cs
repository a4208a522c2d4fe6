using System;
using Spectre.Console;

namespace NfCerts.Cli
{
    /// <summary>How far a long piece of work has got: <paramref name="Done"/> of <paramref name="Total"/> in its current stage.</summary>
    internal readonly record struct ProgressUpdate(string Stage, long Done, long Total);

    /// <summary>
    /// A live progress bar on stderr for long work (benchmarks, fleet runs, demos) while a person watches it. Nothing is
    /// shown when stderr is a file or a pipe or NO_COLOR is set, and stdout is never touched, so scripts read the same
    /// output either way.
    /// </summary>
    internal static class ProgressDisplay
    {
        /// <summary>Runs <paramref name="work"/>, showing what it reports under <paramref name="title"/>, and returns its result.</summary>
        public static T Run<T>(Ui ui, string title, Func<IProgress<ProgressUpdate>, T> work)
        {
            if (ui.Live == null)
            {
                return work(Silent.Instance);
            }
            return ui.Live.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(title), maxValue: 1);
                    var result = work(new Bar(task, title));
                    task.Value = task.MaxValue;
                    return result;
                });
        }

        private sealed class Silent : IProgress<ProgressUpdate>
        {
            public static readonly Silent Instance = new();
            public void Report(ProgressUpdate value) { }
        }

        /// <summary>Reports straight into the Spectre task (its members are thread-safe), so work may report from any thread.</summary>
        private sealed class Bar : IProgress<ProgressUpdate>
        {
            private readonly ProgressTask _task;
            private readonly string _title;

            public Bar(ProgressTask task, string title)
            {
                _task = task;
                _title = title;
            }

            public void Report(ProgressUpdate value)
            {
                _task.Description = Markup.Escape(_title + ": " + value.Stage);
                _task.MaxValue = Math.Max(1, value.Total);
                _task.Value = Math.Min(value.Done, value.Total);
            }
        }
    }
}
