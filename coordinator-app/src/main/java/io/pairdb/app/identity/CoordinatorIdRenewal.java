package io.pairdb.app.identity;

import io.micronaut.context.annotation.Context;
import io.micronaut.scheduling.annotation.Scheduled;

/** Keeps a leased coordinator id; a third of the lease between renewals rides out a missed one. */
@Context
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
