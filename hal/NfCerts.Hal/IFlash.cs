namespace NfCerts.Hal
{
    /// <summary>
    /// A region of NOR flash reserved for the firmware's power-safe store (on ESP32: a data partition).
    /// </summary>
    /// <remarks>
    /// <para>Semantics are those of NOR flash and every implementation must keep them:</para>
    /// <list type="bullet">
    /// <item><description>The region is <see cref="Size"/> bytes, divided into <see cref="SectorCount"/>
    /// sectors of <see cref="SectorSize"/> bytes. Addresses are byte offsets from the start of the region.</description></item>
    /// <item><description><see cref="EraseSector"/> sets every byte of one sector to 0xFF. It is the only way a bit goes from 0 to 1.</description></item>
    /// <item><description><see cref="Program"/> can only clear bits: the stored byte becomes <c>old AND new</c>. Callers
    /// program only bytes that are erased (0xFF); a device chip silently ANDs, a test double may report a 0→1 attempt as an error.</description></item>
    /// <item><description>A power loss during <see cref="Program"/> or <see cref="EraseSector"/> leaves that operation torn:
    /// any subset of the bits it would have changed has changed. Operations completed before it are intact.</description></item>
    /// <item><description>Operations are synchronous: when a call returns, the data is on the medium.</description></item>
    /// </list>
    /// <para>Failure modes: an address or length outside the region, or a program that is not aligned to
    /// <see cref="WriteAlignment"/>, throws <see cref="FlashException"/> with <see cref="FlashError.OutOfRange"/> or
    /// <see cref="FlashError.Misaligned"/> and changes nothing; a medium error throws with <see cref="FlashError.Io"/>.</para>
    /// </remarks>
    public interface IFlash
    {
        /// <summary>Size of the region in bytes; a whole multiple of <see cref="SectorSize"/>.</summary>
        int Size { get; }

        /// <summary>Erase unit in bytes (4096 on ESP32 SPI flash). A power of two.</summary>
        int SectorSize { get; }

        /// <summary>Number of sectors: <see cref="Size"/> / <see cref="SectorSize"/>.</summary>
        int SectorCount { get; }

        /// <summary>Address and length granularity for <see cref="Program"/> in bytes (1, or 16 with ESP32 flash encryption). A power of two.</summary>
        int WriteAlignment { get; }

        /// <summary>Reads <paramref name="count"/> bytes at <paramref name="address"/> into <paramref name="buffer"/> at <paramref name="offset"/>.</summary>
        void Read(int address, byte[] buffer, int offset, int count);

        /// <summary>Programs <paramref name="count"/> bytes from <paramref name="buffer"/> at <paramref name="offset"/> to <paramref name="address"/>:
        /// each stored byte becomes <c>old AND new</c>. The range may cross sector boundaries.</summary>
        void Program(int address, byte[] buffer, int offset, int count);

        /// <summary>Erases sector <paramref name="sector"/> (0 ≤ sector &lt; <see cref="SectorCount"/>): all its bytes become 0xFF.</summary>
        void EraseSector(int sector);
    }
}
