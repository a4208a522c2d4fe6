using System;
using System.Collections;

namespace NfCerts.Core.Storage
{
    /// <summary>A group of changes that <see cref="RecordLog"/> commits atomically: after a power cut either all of them
    /// are on flash or none is. Operations apply in the order given.</summary>
    public sealed class LogTransaction
    {
        private readonly RecordLog _log;
        private bool _done;

        internal LogTransaction(RecordLog log)
        {
            _log = log;
        }

        internal readonly ArrayList Ops = new ArrayList();

        /// <summary>Number of operations added.</summary>
        public int Count
        {
            get { return Ops.Count; }
        }

        /// <summary>Sets <paramref name="key"/> to <paramref name="value"/> (replacing any value it has).</summary>
        /// <exception cref="StorageException">InvalidArgument for a bad key or a value over the log's maximum.</exception>
        public void Put(string key, byte[] value)
        {
            CheckOpen();
            RecordLog.CheckKey(key);
            if (value == null)
            {
                throw new ArgumentNullException("value");
            }
            if (value.Length > _log.MaxValueLength)
            {
                throw new StorageException(StorageError.InvalidArgument, "a value of " + value.Length + " bytes exceeds the store's maximum of " + _log.MaxValueLength);
            }
            Ops.Add(new LogOp(LogFormat.TypePut, key, "", value));
        }

        /// <summary>Removes <paramref name="key"/>; at commit it must exist.</summary>
        public void Delete(string key)
        {
            CheckOpen();
            RecordLog.CheckKey(key);
            Ops.Add(new LogOp(LogFormat.TypeDelete, key, "", null));
        }

        /// <summary>Renames <paramref name="source"/> to <paramref name="destination"/>, replacing any value there; at commit
        /// the source must exist. No data is copied.</summary>
        public void Move(string source, string destination)
        {
            CheckOpen();
            RecordLog.CheckKey(source);
            RecordLog.CheckKey(destination);
            if (source == destination)
            {
                throw new StorageException(StorageError.InvalidArgument, "source and destination are the same key '" + source + "'");
            }
            Ops.Add(new LogOp(LogFormat.TypeMove, source, destination, null));
        }

        /// <summary>Writes the changes in one atomic commit. On an exception nothing has changed, except
        /// <see cref="StorageError.MountRequired"/> (a flash failure), after which the log must be mounted again.</summary>
        public void Commit()
        {
            CheckOpen();
            _done = true;
            _log.CommitTransaction(this);
        }

        private void CheckOpen()
        {
            if (_done)
            {
                throw new InvalidOperationException("the transaction has already been committed");
            }
        }
    }

    internal sealed class LogOp
    {
        public LogOp(byte type, string key, string key2, byte[]? value)
        {
            Type = type;
            Key = key;
            Key2 = key2;
            Value = value;
        }

        public readonly byte Type;
        public readonly string Key;
        public readonly string Key2;
        public readonly byte[]? Value;
    }
}
