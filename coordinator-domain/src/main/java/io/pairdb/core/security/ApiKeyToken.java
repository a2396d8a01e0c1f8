package io.pairdb.core.security;

import io.pairdb.core.Identifiers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The bearer token of an API key: {@code pairdb_<key id>_<secret>}, the secret being 32 random
 * bytes (256 bits) in unpadded base64url. Only {@link #secretHash() SHA-256 of the secret} is
 * stored: the secret is random and long, so no salt or slow hash is needed — nobody can guess
 * it, and a stolen hash does not give it back. Hashes are compared in constant time.
 */
public final class ApiKeyToken {
    public static final int SECRET_BYTES = 32;
    /** Ten random bytes are sixteen base32 characters. */
    public static final int ID_BYTES = 10;
    private static final String PREFIX = "pairdb_";
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    /** 32 bytes are 43 base64url characters. */
    private static final int SECRET_LENGTH = 43;

    private final ApiKeyId id;
    private final String secret;

    private ApiKeyToken(ApiKeyId id, String secret) {
        this.id = id;
        this.secret = secret;
    }

    /** A token for a new key from {@value #ID_BYTES} + {@value #SECRET_BYTES} random bytes. */
    public static ApiKeyToken generate(byte[] idBytes, byte[] secretBytes) {
        if (idBytes.length != ID_BYTES || secretBytes.length != SECRET_BYTES) {
            throw new IllegalArgumentException("a token takes " + ID_BYTES + " id bytes and " + SECRET_BYTES
                    + " secret bytes");
        }
        return new ApiKeyToken(new ApiKeyId(base32(idBytes)),
                Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes));
    }

    /** The token's parts, or empty when the text is not a token of this shape. */
    public static Optional<ApiKeyToken> parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = text.substring(PREFIX.length());
        int separator = rest.indexOf('_');
        if (separator < 0) {
            return Optional.empty();
        }
        String id = rest.substring(0, separator);
        String secret = rest.substring(separator + 1);
        if (!ApiKeyId.isValid(id) || !isSecret(secret)) {
            return Optional.empty();
        }
        return Optional.of(new ApiKeyToken(new ApiKeyId(id), secret));
    }

    /** Whether {@code text} is {@value #SECRET_LENGTH} characters of base64url (whose alphabet includes '_' and '-'). */
    private static boolean isSecret(String text) {
        return Identifiers.consistsOf(text, SECRET_LENGTH, SECRET_LENGTH,
                c -> Identifiers.isAsciiLetterOrDigit(c) || c == '_' || c == '-');
    }

    public ApiKeyId id() {
        return id;
    }

    /** SHA-256 of the secret: what the store keeps. */
    public byte[] secretHash() {
        return sha256(secret);
    }

    /** Whether this token's secret hashes to {@code storedHash}, compared in constant time. */
    public boolean matches(byte[] storedHash) {
        Objects.requireNonNull(storedHash, "storedHash");
        return MessageDigest.isEqual(secretHash(), storedHash);
    }

    /** The whole token, the one thing a client sends; shown to the operator once. */
    public String reveal() {
        return PREFIX + id.value() + "_" + secret;
    }

    /** Never the secret. */
    @Override
    public String toString() {
        return PREFIX + id.value() + "_…";
    }

    private static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String base32(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }
}
