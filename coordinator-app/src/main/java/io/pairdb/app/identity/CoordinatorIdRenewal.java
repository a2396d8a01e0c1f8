package io.pairdb.app.identity;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;

/** Keeps a leased coordinator id; a third of the lease between renewals rides out a missed one. */
@Singleton
public class CoordinatorIdRenewal {
    private final CoordinatorIdentity identity;

    public CoordinatorIdRenewal(CoordinatorIdentity identity) {
        this.identity = identity;
    }

    @Scheduled(fixedDelay = "${pairdb.coordinator.id-renewal-interval:10s}")
    void renew() {
        identity.renew();
    }
}
