using System;
using System.IO;
using System.Text.Json;

namespace NfCerts.Cli
{
    /// <summary>
    /// Puts a store image on a board running stock nanoFramework: writes the description that nanoff's file deployment
    /// reads (<c>nanoff --filedeployment FILE</c>), which copies the image to the board's internal drive at the path
    /// where the firmware's fallback store (hal/NfCerts.Hal.Nano FileFlash) opens it.
    /// </summary>
    /// <remarks>
    /// <para>The format is nanoff's FileDeploymentConfiguration (nanoFirmwareFlasher.Library/FileDeployment): an object
    /// with an optional <c>SerialPort</c> and a <c>Files</c> array of <c>{ DestinationFilePath, SourceFilePath }</c>
    /// (an empty source deletes the destination). nanoff sends each source file whole through the debugger's
    /// AddStorageFile, replacing what is there.</para>
    /// <para>The image must be a store of exactly the device's fallback geometry (<see cref="DeviceRegionSize"/> bytes of
    /// <see cref="DeviceSectorSize"/>-byte sectors, firmware/NfCerts.Device/Program.cs): FileFlash refuses a file of any
    /// other length rather than truncate it. On a firmware image with the interop library and the <c>nfcerts</c>
    /// partition the device uses the partition instead, and a deployed file is ignored.</para>
    /// </remarks>
    public static class FileDeployment
    {
        /// <summary>Where the firmware looks for the fallback store (FileFlash.DefaultPath).</summary>
        public const string DevicePath = "I:\\nfcerts.flash";

        /// <summary>The size of the fallback region the device image opens (Program.FallbackFlashSize).</summary>
        public const int DeviceRegionSize = 64 * 1024;

        /// <summary>The sector size of the fallback region (Program.SectorSize).</summary>
        public const int DeviceSectorSize = 4096;

        /// <summary>Checks <paramref name="storeImage"/> and writes the deployment description to <paramref name="outputJson"/>.</summary>
        /// <param name="storeImage">A store image of the device's geometry (<c>nfcerts store init IMAGE --size 65536 --sector 4096</c>).</param>
        /// <param name="serialPort">The board's serial port for nanoff (e.g. COM3 or /dev/ttyUSB0), or null to give it to nanoff as <c>--serialport</c>.</param>
        /// <param name="outputJson">The file to write.</param>
        /// <param name="output">Where the outcome and the nanoff command line are reported.</param>
        /// <returns>0 when written.</returns>
        /// <exception cref="CommandException">The image is not deployable or the file cannot be written; nothing is
        /// written then (the command line prints the message on stderr and exits 1).</exception>
        public static int Write(string storeImage, string? serialPort, string outputJson, TextWriter output)
        {
            ArgumentNullException.ThrowIfNull(storeImage);
            ArgumentNullException.ThrowIfNull(outputJson);
            ArgumentNullException.ThrowIfNull(output);
            Check(storeImage);
            try
            {
                WriteJson(Path.GetFullPath(storeImage), serialPort, outputJson);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new CommandException(outputJson + ": " + e.Message);
            }

            output.WriteLine("wrote " + outputJson + ": it copies " + storeImage + " to " + DevicePath + " on the board");
            output.WriteLine("deploy with: nanoff --filedeployment " + outputJson + (serialPort == null ? " --serialport PORT" : ""));
            return 0;
        }

        private static void Check(string storeImage)
        {
            int size;
            int sector;
            using (StoreCommands.Session session = StoreCommands.Open(storeImage, writable: false))
            {
                size = session.Flash.Size;
                sector = session.Flash.SectorSize;
            }

            if (size != DeviceRegionSize || sector != DeviceSectorSize)
            {
                throw new CommandException(storeImage + ": the device's store file is " + DeviceRegionSize + " bytes of " + DeviceSectorSize +
                    "-byte sectors, this image is " + size + " bytes of " + sector + "-byte sectors (create it with 'nfcerts store init IMAGE --size " +
                    DeviceRegionSize + " --sector " + DeviceSectorSize + "')");
            }
        }

        private static void WriteJson(string source, string? serialPort, string outputJson)
        {
            using var stream = new FileStream(outputJson, FileMode.Create, FileAccess.Write);
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            if (serialPort != null)
            {
                json.WriteString("SerialPort", serialPort);
            }

            json.WriteStartArray("Files");
            json.WriteStartObject();
            json.WriteString("DestinationFilePath", DevicePath);
            json.WriteString("SourceFilePath", source);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
    }
}
