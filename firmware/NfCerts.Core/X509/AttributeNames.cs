namespace NfCerts.Core.X509
{
    /// <summary>
    /// The short names OpenSSL 3 prints (with -nameopt RFC2253) for the attribute types found in names: every
    /// X.520 type OpenSSL knows (2.5.4.x), PKCS #9 (1.2.840.113549.1.9.x), the pilot/COSINE types (UID, DC,
    /// mail, ...), the EV jurisdiction types and the RFC 3739 personal data types. Any other OID is printed in
    /// dotted form with its value dumped in hex, as OpenSSL does for OIDs it does not know.
    /// </summary>
    internal static class AttributeNames
    {
        // Contents of the OIDs, less the last arc: 1.2.840.113549.1.9, 0.9.2342.19200300.100.1, 1.3.6.1.4.1.311.60.2.1, 1.3.6.1.5.5.7.9.
        private static readonly byte[] Pkcs9 = new byte[] { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09 };
        private static readonly byte[] Pilot = new byte[] { 0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01 };
        private static readonly byte[] Jurisdiction = new byte[] { 0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x3C, 0x02, 0x01 };
        private static readonly byte[] PersonalData = new byte[] { 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x09 };

        /// <summary>OpenSSL's short name for the attribute type whose OID contents are given, or null when it has none here.</summary>
        public static string? ShortName(byte[] buffer, int offset, int length)
        {
            if (length == 3 && buffer[offset] == 0x55 && buffer[offset + 1] == 0x04)
            {
                return X520(buffer[offset + 2]);
            }

            if (HasPrefix(buffer, offset, length, Pkcs9))
            {
                return Pkcs9Name(buffer[offset + length - 1]);
            }

            if (HasPrefix(buffer, offset, length, Pilot))
            {
                return PilotName(buffer[offset + length - 1]);
            }

            if (HasPrefix(buffer, offset, length, Jurisdiction))
            {
                switch (buffer[offset + length - 1])
                {
                    case 1: return "jurisdictionL";
                    case 2: return "jurisdictionST";
                    case 3: return "jurisdictionC";
                }
            }

            if (HasPrefix(buffer, offset, length, PersonalData))
            {
                switch (buffer[offset + length - 1])
                {
                    case 1: return "id-pda-dateOfBirth";
                    case 2: return "id-pda-placeOfBirth";
                    case 3: return "id-pda-gender";
                    case 4: return "id-pda-countryOfCitizenship";
                    case 5: return "id-pda-countryOfResidence";
                }
            }

            return null;
        }

        // The OID is the prefix plus one single-octet arc.
        private static bool HasPrefix(byte[] buffer, int offset, int length, byte[] prefix)
        {
            if (length != prefix.Length + 1)
            {
                return false;
            }

            for (int i = 0; i < prefix.Length; i++)
            {
                if (buffer[offset + i] != prefix[i])
                {
                    return false;
                }
            }

            return true;
        }

        private static string? X520(int arc)
        {
            switch (arc)
            {
                case 3: return "CN";
                case 4: return "SN";
                case 5: return "serialNumber";
                case 6: return "C";
                case 7: return "L";
                case 8: return "ST";
                case 9: return "street";
                case 10: return "O";
                case 11: return "OU";
                case 12: return "title";
                case 13: return "description";
                case 14: return "searchGuide";
                case 15: return "businessCategory";
                case 16: return "postalAddress";
                case 17: return "postalCode";
                case 18: return "postOfficeBox";
                case 19: return "physicalDeliveryOfficeName";
                case 20: return "telephoneNumber";
                case 21: return "telexNumber";
                case 22: return "teletexTerminalIdentifier";
                case 23: return "facsimileTelephoneNumber";
                case 24: return "x121Address";
                case 25: return "internationaliSDNNumber";
                case 26: return "registeredAddress";
                case 27: return "destinationIndicator";
                case 28: return "preferredDeliveryMethod";
                case 29: return "presentationAddress";
                case 30: return "supportedApplicationContext";
                case 31: return "member";
                case 32: return "owner";
                case 33: return "roleOccupant";
                case 34: return "seeAlso";
                case 35: return "userPassword";
                case 36: return "userCertificate";
                case 37: return "cACertificate";
                case 38: return "authorityRevocationList";
                case 39: return "certificateRevocationList";
                case 40: return "crossCertificatePair";
                case 41: return "name";
                case 42: return "GN";
                case 43: return "initials";
                case 44: return "generationQualifier";
                case 45: return "x500UniqueIdentifier";
                case 46: return "dnQualifier";
                case 47: return "enhancedSearchGuide";
                case 48: return "protocolInformation";
                case 49: return "distinguishedName";
                case 50: return "uniqueMember";
                case 51: return "houseIdentifier";
                case 52: return "supportedAlgorithms";
                case 53: return "deltaRevocationList";
                case 54: return "dmdName";
                case 65: return "pseudonym";
                case 72: return "role";
                case 97: return "organizationIdentifier";
                case 98: return "c3";
                case 99: return "n3";
                case 100: return "dnsName";
                default: return null;
            }
        }

        private static string? Pkcs9Name(int arc)
        {
            switch (arc)
            {
                case 1: return "emailAddress";
                case 2: return "unstructuredName";
                case 3: return "contentType";
                case 4: return "messageDigest";
                case 5: return "signingTime";
                case 6: return "countersignature";
                case 7: return "challengePassword";
                case 8: return "unstructuredAddress";
                case 9: return "extendedCertificateAttributes";
                case 14: return "extReq";
                case 15: return "SMIME-CAPS";
                case 16: return "SMIME";
                case 20: return "friendlyName";
                case 21: return "localKeyID";
                default: return null;
            }
        }

        private static string? PilotName(int arc)
        {
            switch (arc)
            {
                case 1: return "UID";
                case 2: return "textEncodedORAddress";
                case 3: return "mail";
                case 4: return "info";
                case 5: return "favouriteDrink";
                case 6: return "roomNumber";
                case 7: return "photo";
                case 8: return "userClass";
                case 9: return "host";
                case 10: return "manager";
                case 11: return "documentIdentifier";
                case 12: return "documentTitle";
                case 13: return "documentVersion";
                case 14: return "documentAuthor";
                case 15: return "documentLocation";
                case 20: return "homeTelephoneNumber";
                case 21: return "secretary";
                case 22: return "otherMailbox";
                case 23: return "lastModifiedTime";
                case 24: return "lastModifiedBy";
                case 25: return "DC";
                case 26: return "aRecord";
                case 27: return "pilotAttributeType27";
                case 28: return "mXRecord";
                case 29: return "nSRecord";
                case 30: return "sOARecord";
                case 31: return "cNAMERecord";
                case 37: return "associatedDomain";
                case 38: return "associatedName";
                case 39: return "homePostalAddress";
                case 40: return "personalTitle";
                case 41: return "mobileTelephoneNumber";
                case 42: return "pagerTelephoneNumber";
                case 43: return "friendlyCountryName";
                case 44: return "uid";
                case 45: return "organizationalStatus";
                case 46: return "janetMailbox";
                case 47: return "mailPreferenceOption";
                case 48: return "buildingName";
                case 49: return "dSAQuality";
                case 50: return "singleLevelQuality";
                case 51: return "subtreeMinimumQuality";
                case 52: return "subtreeMaximumQuality";
                case 53: return "personalSignature";
                case 54: return "dITRedirect";
                case 55: return "audio";
                case 56: return "documentPublisher";
                default: return null;
            }
        }
    }
}
