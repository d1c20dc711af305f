package dev.qring.domain.door;

import dev.qring.domain.Backend;
import dev.qring.domain.DomainTestBase;
import dev.qring.domain.ErrorCode;
import dev.qring.domain.HomeownerPrincipal;
import dev.qring.domain.visitor.Created;
import dev.qring.domain.visitor.SessionStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class DoorServiceTest extends DomainTestBase {

    @Test
    void createListUpdateDelete() {
        HomeownerPrincipal h = newHomeowner();
        Door d = join(domain.doors().create(h, "  Front door "));
        assertThat(d.label()).isEqualTo("Front door");
        assertThat(d.active()).isTrue();
        assertThat(d.homeownerId()).isEqualTo(h.homeownerId());
        assertThat(d.visitorUrl()).isEqualTo("https://qring.test/d/" + d.qrSlug());
        Door back = join(domain.doors().create(h, "Back door"));
        assertThat(join(domain.doors().list(h))).containsExactly(d, back);

        Door renamed = join(domain.doors().update(h, d.id(), "Main entrance", null));
        assertThat(renamed.label()).isEqualTo("Main entrance");
        assertThat(renamed.active()).isTrue();
        Door off = join(domain.doors().update(h, d.id(), null, false));
        assertThat(off.label()).isEqualTo("Main entrance");
        assertThat(off.active()).isFalse();
        assertThat(off.qrSlug()).isEqualTo(d.qrSlug());
        assertThat(join(domain.doors().get(h, d.id()))).isEqualTo(off);

        join(domain.doors().delete(h, d.id()));
        assertThat(join(domain.doors().list(h))).containsExactly(back);
        assertCode(domain.doors().get(h, d.id()), ErrorCode.NOT_FOUND);
        assertCode(domain.doors().byQrSlug(d.qrSlug()), ErrorCode.NOT_FOUND);
        assertCode(domain.doors().delete(h, d.id()), ErrorCode.NOT_FOUND);
    }

    @Test
    void anotherHomeownersDoorIsNotFoundAndUnchanged() {
        HomeownerPrincipal alice = newHomeowner();
        HomeownerPrincipal mallory = newHomeowner();
        Door d = join(domain.doors().create(alice, "Front door"));
        assertThat(join(domain.doors().list(mallory))).isEmpty();
        assertCode(domain.doors().get(mallory, d.id()), ErrorCode.NOT_FOUND);
        assertCode(domain.doors().update(mallory, d.id(), "Pwned", false), ErrorCode.NOT_FOUND);
        assertCode(domain.doors().delete(mallory, d.id()), ErrorCode.NOT_FOUND);
        assertThat(join(domain.doors().get(alice, d.id()))).isEqualTo(d);
        assertCode(domain.doors().get(alice, UUID.randomUUID()), ErrorCode.NOT_FOUND);
    }

    @Test
    void badLabelsAreInvalidAndChangeNothing() {
        HomeownerPrincipal h = newHomeowner();
        assertCode(domain.doors().create(h, ""), ErrorCode.INVALID);
        assertCode(domain.doors().create(h, "   "), ErrorCode.INVALID);
        assertCode(domain.doors().create(h, null), ErrorCode.INVALID);
        assertCode(domain.doors().create(h, "x".repeat(101)), ErrorCode.INVALID);
        assertCode(domain.doors().create(h, "bell\u0000"), ErrorCode.INVALID);
        assertThat(join(domain.doors().list(h))).isEmpty();
        Door d = door(h);
        assertCode(domain.doors().update(h, d.id(), " ", null), ErrorCode.INVALID);
        assertThat(join(domain.doors().get(h, d.id()))).isEqualTo(d);
    }

    @Test
    void qrSlugsAreUnguessableAndUrlSafe() {
        HomeownerPrincipal h = newHomeowner();
        Set<String> slugs = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            Door d = join(domain.doors().create(h, "Door " + i));
            assertThat(d.qrSlug()).matches("[A-Za-z0-9_-]{22,}"); // >= 128 bits of base64url
            slugs.add(d.qrSlug());
        }
        assertThat(slugs).hasSize(20);
    }

    @Test
    void publicLookupByQrSlug() {
        HomeownerPrincipal h = newHomeowner();
        Door d = door(h);
        assertThat(join(domain.doors().byQrSlug(d.qrSlug()))).isEqualTo(d);
        assertCode(domain.doors().byQrSlug("nope"), ErrorCode.NOT_FOUND);
        assertCode(domain.doors().byQrSlug(""), ErrorCode.NOT_FOUND);
        assertCode(domain.doors().byQrSlug(null), ErrorCode.NOT_FOUND);
        join(domain.doors().update(h, d.id(), null, false));
        assertThat(join(domain.doors().byQrSlug(d.qrSlug())).active()).isFalse();
    }

    @Test
    void deletingADoorEndsItsLiveSessionsButKeepsTheirHistory() {
        HomeownerPrincipal h = newHomeowner();
        Door d = door(h);
        Created c = ring(d);
        join(domain.doors().delete(h, d.id()));
        var s = join(domain.sessions().get(h, c.session().id()));
        assertThat(s.status()).isEqualTo(SessionStatus.ENDED);
        assertThat(s.endReason()).isEqualTo("door_removed");
        assertThat(s.doorLabel()).isEqualTo(d.label());
        assertThat(events.updates).extracting(x -> x.status()).contains(SessionStatus.ENDED);
    }
}
