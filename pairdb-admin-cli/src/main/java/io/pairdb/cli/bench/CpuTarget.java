package io.pairdb.cli.bench;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Processes whose CPU time a run reports per request ({@code --measure-cpu NAME=PID[,PID...]}),
 * summed under one name.
 */
record CpuTarget(String name, List<Long> pids) {

    CpuTarget {
        if (name.isBlank()) {
            throw new IllegalArgumentException("the name is empty");
        }
        pids = List.copyOf(pids);
        if (pids.isEmpty()) {
            throw new IllegalArgumentException("no process id given for " + name);
        }
    }

    static final class Converter implements ITypeConverter<CpuTarget> {
        @Override
        public CpuTarget convert(String value) {
            int equals = value.indexOf('=');
            if (equals <= 0 || equals == value.length() - 1) {
                throw new TypeConversionException("'" + value + "' is not NAME=PID[,PID...]");
            }
            List<Long> pids = new ArrayList<>();
            for (String pid : value.substring(equals + 1).split(",")) {
                try {
                    long parsed = Long.parseLong(pid.strip());
                    if (parsed < 1) {
                        throw new NumberFormatException();
                    }
                    pids.add(parsed);
                } catch (NumberFormatException e) {
                    throw new TypeConversionException("'" + pid + "' in '" + value + "' is not a process id");
                }
            }
            return new CpuTarget(value.substring(0, equals).strip(), pids);
        }
    }
}
