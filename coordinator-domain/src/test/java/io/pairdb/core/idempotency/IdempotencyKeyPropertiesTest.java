package io.pairdb.core.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.tenant.TenantId;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Two different requests never share an idempotency record, whatever characters their parts hold. */
class IdempotencyKeyPropertiesTest {

    @Provide
    Arbitrary<IdempotencyKey> keys() {
        // two characters, the separator among them, so that parts which join to the same text come up often
        Arbitrary<String> parts = Arbitraries.strings().withChars('a', ':').ofMinLength(1).ofMaxLength(4);
        Arbitrary<TenantId> tenants = Arbitraries.of("a", "b").map(TenantId::new);
        return Combinators.combine(tenants, parts, parts).as(IdempotencyKey::new);
    }

    @Property(tries = 5000)
    void differentRequestsNeverShareAStorageKey(@ForAll("keys") IdempotencyKey a, @ForAll("keys") IdempotencyKey b) {
        Assume.that(!a.equals(b));

        assertThat(a.storageKey()).isNotEqualTo(b.storageKey());
    }

    @Example
    void theCaseSeenInDevMode() {
        IdempotencyKey first = new IdempotencyKey(new TenantId("default"), "a:b", "c");
        IdempotencyKey second = new IdempotencyKey(new TenantId("default"), "a", "b:c");

        assertThat(first.storageKey()).isNotEqualTo(second.storageKey());
    }
}
