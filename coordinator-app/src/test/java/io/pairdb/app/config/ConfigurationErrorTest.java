package io.pairdb.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pairdb.core.repair.RepairSchedule;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A settings record's own refusal names the setting; a defect in the code that builds it is not dressed up as one. */
class ConfigurationErrorTest {

    @Test
    void aValueTheRecordRefusesNamesTheSetting() {
        assertThatThrownBy(() -> ConfigurationError.checked("pairdb.repair",
                () -> new RepairSchedule(Duration.ofDays(1), Duration.ofMinutes(1), -5)))
                .isInstanceOf(ConfigurationError.class)
                .hasMessage("invalid configuration pairdb.repair: the repair throughput must be 0 (unlimited) or more "
                        + "bytes per second, not -5");
    }

    @Test
    void aValueTheRecordRequiresAndDidNotGetNamesTheSettingAndTheValue() {
        assertThatThrownBy(() -> ConfigurationError.checked("pairdb.repair",
                () -> new RepairSchedule(null, Duration.ofMinutes(1), 0)))
                .isInstanceOf(ConfigurationError.class)
                .hasMessage("invalid configuration pairdb.repair: period is missing");
    }

    @Test
    void aNullDereferencedByTheBuildingCodeIsADefectNotAConfigurationError() {
        String unset = null;
        assertThatThrownBy(() -> ConfigurationError.checked("pairdb.repair", () -> unset.length()))
                .isInstanceOf(NullPointerException.class)
                .isNotInstanceOf(ConfigurationError.class);
    }

    @Test
    void whatBuildsIsAnsweredAsItIs() {
        assertThat(ConfigurationError.checked("pairdb.repair", () -> new RepairSchedule(Duration.ZERO, Duration.ofMinutes(1), 0))
                .enabled()).isFalse();
    }
}
