package io.pairdb.adapters.security;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * How a client certificate names its holder: by its first URI subject alternative name (SPIFFE
 * ids, cert-manager's {@code uris}) or by its subject's common name.
 */
public enum CertificateIdentity {
    SAN_URI,
    CN;

    private static final int URI_NAME = 6;

    /** The holder's name, or empty when the certificate carries none of this kind. */
    public Optional<String> of(X509Certificate certificate) {
        return switch (this) {
            case SAN_URI -> firstUri(certificate);
            case CN -> commonName(certificate);
        };
    }

    /** {@code san-uri} or {@code cn}, as configured. */
    public static CertificateIdentity parse(String text) {
        return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "san-uri" -> SAN_URI;
            case "cn" -> CN;
            default -> throw new IllegalArgumentException("must be san-uri or cn, was '" + text + "'");
        };
    }

    private static Optional<String> firstUri(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names == null) {
                return Optional.empty();
            }
            return names.stream().filter(n -> n.size() >= 2 && Integer.valueOf(URI_NAME).equals(n.get(0)))
                    .map(n -> String.valueOf(n.get(1))).findFirst();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> commonName(X509Certificate certificate) {
        try {
            LdapName subject = new LdapName(certificate.getSubjectX500Principal().getName());
            return subject.getRdns().stream().filter(r -> r.getType().equalsIgnoreCase("CN"))
                    .map(Rdn::getValue).map(String::valueOf).reduce((first, last) -> last);
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
    }
}
