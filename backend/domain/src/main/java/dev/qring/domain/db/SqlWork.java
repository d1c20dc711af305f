package dev.qring.domain.db;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of JDBC work run inside one transaction by {@link Database}. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
}
