using System;

namespace NfCerts.Hal
{
    /// <summary>Why an <see cref="IFlash"/> operation failed.</summary>
    public enum FlashError
    {
        /// <summary>The address, length or sector index lies outside the region.</summary>
        OutOfRange = 1,
        /// <summary>A program address or length is not a multiple of <see cref="IFlash.WriteAlignment"/>.</summary>
        Misaligned = 2,
        /// <summary>The medium reported an error.</summary>
        Io = 3,
        /// <summary>A program tried to turn a 0 bit into 1 (reported only by strict test doubles; a real chip silently ANDs).</summary>
        IllegalProgram = 4,
        /// <summary>Power was lost during the operation (test doubles only): the operation is torn and the device is off.</summary>
        PowerLost = 5,
    }

    /// <summary>An <see cref="IFlash"/> operation failed.</summary>
    public class FlashException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public FlashException(FlashError error, string message) : base(message)
        {
            Error = error;
        }

        /// <summary>Why it failed.</summary>
        public FlashError Error { get; private set; }
    }
}
