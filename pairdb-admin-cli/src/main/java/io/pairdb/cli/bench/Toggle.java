package io.pairdb.cli.bench;

/** The value of an {@code on|off} option. */
enum Toggle {
    ON,
    OFF;

    boolean isOn() {
        return this == ON;
    }
}
