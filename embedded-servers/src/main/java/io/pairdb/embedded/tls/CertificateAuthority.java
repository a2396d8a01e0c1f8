package io.pairdb.embedded.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

/**
 * A private certificate authority with P-256 keys: dev mode's TLS (its CA signs the
 * coordinator's certificate, and clients trust the CA) and tests of TLS (certificates issued at
 * test time, expired or from another CA when a test needs one). Keys are written as PKCS#8 PEM,
 * the form gRPC reads, readable by their owner only.
 */
public final class CertificateAuthority {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A certificate with its private key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {
        public Issued {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(key, "key");
        }

        /** Writes the certificate and the key as PEM, each file replaced in one step. */
        public void writeTo(Path certificateFile, Path keyFile) {
            writeAtomically(certificateFile, pem(certificate), false);
            writeAtomically(keyFile, pkcs8(key), true);
        }
    }

    private final Issued self;

    private CertificateAuthority(Issued self) {
        this.self = self;
    }

    /** A new CA whose certificate is valid from now for {@code validity}. */
    public static CertificateAuthority create(String name, Duration validity) {
        KeyPair keys = newKeyPair();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        X500Name subject = new X500Name("CN=" + name);
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject, keys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            return new CertificateAuthority(new Issued(sign(builder, keys.getPrivate()), keys.getPrivate()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not create a certificate authority", e);
        }
    }

    /** The CA written by {@link #writeTo} before. */
    public static CertificateAuthority load(Path certificateFile, Path keyFile) {
        return new CertificateAuthority(new Issued(readCertificate(certificateFile), readKey(keyFile)));
    }

    public X509Certificate certificate() {
        return self.certificate();
    }

    /** Writes the CA's certificate and key; clients need only the certificate. */
    public void writeTo(Path certificateFile, Path keyFile) {
        self.writeTo(certificateFile, keyFile);
    }

    /** A server certificate for these DNS names and IP addresses, valid from now for {@code validity}. */
    public Issued issueServer(List<String> dnsNames, List<String> ipAddresses, Duration validity) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
        ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
        String cn = dnsNames.isEmpty() ? ipAddresses.getFirst() : dnsNames.getFirst();
        return issue(cn, names, KeyPurposeId.id_kp_serverAuth, now.minus(Duration.ofMinutes(5)), now.plus(validity));
    }

    /**
     * A client certificate with subject {@code CN=commonName} and, when given, a URI subject
     * alternative name, valid between the two instants (a past {@code notAfter} gives an expired one).
     */
    public Issued issueClient(String commonName, Optional<String> uri, Instant notBefore, Instant notAfter) {
        List<GeneralName> names = new ArrayList<>();
        uri.ifPresent(u -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, u)));
        return issue(commonName, names, KeyPurposeId.id_kp_clientAuth, notBefore, notAfter);
    }

    private Issued issue(String commonName, List<GeneralName> altNames, KeyPurposeId purpose, Instant notBefore,
                         Instant notAfter) {
        KeyPair keys = newKeyPair();
        try {
            X500Name issuer = new X509CertificateHolder(self.certificate().getEncoded()).getSubject();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(),
                    Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + commonName), keys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(self.certificate()));
            if (!altNames.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(altNames.toArray(GeneralName[]::new)));
            }
            return new Issued(sign(builder, self.key()), keys.getPrivate());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not issue a certificate for " + commonName, e);
        }
    }

    /** The PEM text of a certificate. */
    public static String pem(X509Certificate certificate) {
        return writePem(certificate);
    }

    private static String pkcs8(PrivateKey key) {
        try {
            return writePem(new JcaPKCS8Generator(key, null).generate());
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalStateException("could not encode a private key", e);
        }
    }

    private static String writePem(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static X509Certificate readCertificate(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(reader)) {
            Object object = pem.readObject();
            if (!(object instanceof X509CertificateHolder holder)) {
                throw new IllegalArgumentException(file + " holds no PEM certificate");
            }
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " holds no usable certificate: " + e.getMessage(), e);
        }
    }

    private static PrivateKey readKey(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(reader)) {
            Object object = pem.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            return switch (object) {
                case PrivateKeyInfo info -> converter.getPrivateKey(info);
                case PEMKeyPair pair -> converter.getPrivateKey(pair.getPrivateKeyInfo());
                case null, default -> throw new IllegalArgumentException(file + " holds no PEM private key");
            };
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("could not sign", e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has P-256", e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(128, RANDOM);
    }

    private static void writeAtomically(Path file, String text, boolean secret) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
            Files.writeString(temp, text, StandardCharsets.US_ASCII);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }
}
