package dev.qring.domain.db;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** QRING_DATABASE_URL accepts both the libpq URL form and a JDBC URL. */
class JdbcTargetTest {
    @Test
    void libpqUrlBecomesJdbcWithSeparateCredentials() {
        Database.JdbcTarget t = Database.JdbcTarget.parse("postgresql://qring:s%40cret@db.internal:5433/qring?sslmode=require");
        assertThat(t.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5433/qring?sslmode=require");
        assertThat(t.user()).isEqualTo("qring");
        assertThat(t.password()).isEqualTo("s@cret");
        Database.JdbcTarget bare = Database.JdbcTarget.parse("postgres://localhost/app");
        assertThat(bare.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/app");
        assertThat(bare.user()).isNull();
    }

    @Test
    void jdbcUrlPassesThrough() {
        assertThat(Database.JdbcTarget.parse("jdbc:postgresql://127.0.0.1:5432/x?user=postgres").jdbcUrl())
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/x?user=postgres");
    }

    @Test
    void otherSchemesAreRefusedNamingTheVariable() {
        assertThatThrownBy(() -> Database.JdbcTarget.parse("mysql://x/y")).hasMessageContaining("QRING_DATABASE_URL");
        assertThatThrownBy(() -> Database.JdbcTarget.parse("postgresql:///nohost")).hasMessageContaining("QRING_DATABASE_URL");
    }
}
