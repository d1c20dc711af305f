package dev.qring.app.api;

import static dev.qring.app.api.Views.obj;

import dev.qring.app.http.ApiException;
import dev.qring.app.http.ClientAddress;
import dev.qring.app.http.HttpRouter;
import dev.qring.app.http.Request;
import dev.qring.app.http.Response;
import dev.qring.domain.DomainException;
import dev.qring.domain.HomeownerPrincipal;
import dev.qring.domain.Principal;
import dev.qring.domain.account.AccountService;
import dev.qring.domain.account.AuthResult;
import dev.qring.domain.chat.ChatService;
import dev.qring.domain.door.Door;
import dev.qring.domain.door.DoorService;
import dev.qring.domain.door.QrCodes;
import dev.qring.domain.turn.IceServerIssuer;
import dev.qring.domain.visitor.Created;
import dev.qring.domain.visitor.SessionPage;
import dev.qring.domain.visitor.VisitorSessionService;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The HTTP API of product.md under {@code /api/v1}. Handlers run on virtual threads (see {@link HttpRouter}), so
 * they simply wait for the domain's futures. Bodies are bound strictly (unknown or missing fields → 400 invalid,
 * nothing changed); identity comes only from the {@code Authorization: Bearer} token.
 */
public final class ApiRoutes {
    private static final String V1 = "/api/v1";

    private final AccountService accounts;
    private final DoorService doors;
    private final VisitorSessionService sessions;
    private final ChatService chat;
    private final IceServerIssuer ice;
    private final BiFunction<Principal, UUID, Object> activeCall;
    private final Consumer<String> onLogout;
    private final ClientAddress clientAddresses;

    public ApiRoutes(AccountService accounts, DoorService doors, VisitorSessionService sessions, ChatService chat,
                     IceServerIssuer ice, BiFunction<Principal, UUID, Object> activeCall, Consumer<String> onLogout,
                     ClientAddress clientAddresses) {
        this.clientAddresses = clientAddresses;
        this.accounts = accounts;
        this.doors = doors;
        this.sessions = sessions;
        this.chat = chat;
        this.ice = ice;
        this.activeCall = activeCall;
        this.onLogout = onLogout;
    }

    // Request bodies: records bound strictly by Json (unknown fields and wrong types rejected).
    record SignupBody(String email, String password, String displayName) { }
    record LoginBody(String email, String password) { }
    record DoorBody(String label) { }
    record DoorPatch(String label, Boolean active) { }
    record VisitorSessionBody(String qrSlug, String requestId, String visitorName, String purpose) { }

    public void register(HttpRouter r) {
        r.post(V1 + "/auth/signup", this::signup);
        r.post(V1 + "/auth/login", this::login);
        r.post(V1 + "/auth/logout", this::logout);
        r.get(V1 + "/me", this::me);
        r.get(V1 + "/doors", req -> Response.ok(obj("doors", await(doors.list(homeowner(req))).stream().map(Views::door).toList())));
        r.post(V1 + "/doors", this::createDoor);
        r.get(V1 + "/doors/{id}", req -> Response.ok(obj("door", Views.door(await(doors.get(homeowner(req), uuid(req, "id")))))));
        r.patch(V1 + "/doors/{id}", this::patchDoor);
        r.delete(V1 + "/doors/{id}", req -> {
            await(doors.delete(homeowner(req), uuid(req, "id")));
            return Response.noContent();
        });
        r.get(V1 + "/doors/{id}/qr.svg", req -> {
            Door d = await(doors.get(homeowner(req), uuid(req, "id")));
            return Response.text(200, "image/svg+xml; charset=utf-8", QrCodes.svg(d.visitorUrl())).header("cache-control", "private, no-cache");
        });
        r.get(V1 + "/doors/{id}/qr.png", req -> {
            Door d = await(doors.get(homeowner(req), uuid(req, "id")));
            int px = intParam(req, "size", QrCodes.DEFAULT_PNG_PX, 64, 4096);
            return Response.bytes(200, "image/png", QrCodes.png(d.visitorUrl(), px)).header("cache-control", "private, no-cache");
        });
        r.get(V1 + "/doors/by-qr/{qrSlug}", req -> Response.ok(obj("door", Views.publicDoor(await(doors.byQrSlug(req.pathParam("qrSlug")))))));
        r.post(V1 + "/visitor-sessions", this::createVisitorSession);
        r.get(V1 + "/sessions", this::listSessions);
        r.get(V1 + "/sessions/{id}", req -> {
            Principal p = principal(req);
            UUID id = uuid(req, "id");
            var s = await(sessions.get(p, id));
            return Response.ok(obj("session", Views.session(s), "activeCall", activeCall.apply(p, id)));
        });
        r.get(V1 + "/sessions/{id}/messages", req -> {
            Principal p = principal(req);
            long after = longParam(req, "afterSeq", 0, 0, Long.MAX_VALUE);
            int limit = intParam(req, "limit", 100, 1, 500);
            return Response.ok(obj("messages", await(chat.history(p, uuid(req, "id"), after, limit))));
        });
        r.get(V1 + "/ice-servers", req -> {
            Principal p = principal(req);
            return Response.ok(Views.iceServers(ice.issueFor(p)));
        });
    }

    private Response signup(Request req) {
        SignupBody b = req.json(SignupBody.class);
        require(b.email(), "email");
        require(b.password(), "password");
        require(b.displayName(), "displayName");
        AuthResult a = await(accounts.signup(b.email(), b.password(), b.displayName(), clientAddress(req)));
        return Response.created(obj("token", a.token(), "homeowner", Views.homeowner(a.homeowner())));
    }

    private Response login(Request req) {
        LoginBody b = req.json(LoginBody.class);
        require(b.email(), "email");
        require(b.password(), "password");
        AuthResult a = await(accounts.login(b.email(), b.password(), clientAddress(req)));
        return Response.ok(obj("token", a.token(), "homeowner", Views.homeowner(a.homeowner())));
    }

    private Response logout(Request req) {
        HomeownerPrincipal h = homeowner(req);
        await(accounts.logout(h));
        onLogout.accept(h.tokenId());
        return Response.noContent();
    }

    private Response me(Request req) {
        return Response.ok(obj("homeowner", Views.homeowner(await(accounts.me(homeowner(req))))));
    }

    private Response createDoor(Request req) {
        HomeownerPrincipal h = homeowner(req);
        DoorBody b = req.json(DoorBody.class);
        require(b.label(), "label");
        return Response.created(obj("door", Views.door(await(doors.create(h, b.label())))));
    }

    private Response patchDoor(Request req) {
        HomeownerPrincipal h = homeowner(req);
        UUID id = uuid(req, "id");
        DoorPatch b = req.json(DoorPatch.class);
        if (b.label() == null && b.active() == null) throw ApiException.invalid("nothing to change: give label and/or active");
        return Response.ok(obj("door", Views.door(await(doors.update(h, id, b.label(), b.active())))));
    }

    private Response createVisitorSession(Request req) {
        VisitorSessionBody b = req.json(VisitorSessionBody.class);
        require(b.qrSlug(), "qrSlug");
        require(b.requestId(), "requestId");
        require(b.visitorName(), "visitorName");
        Created c = await(sessions.create(b.qrSlug(), b.requestId(), b.visitorName(), b.purpose(), clientAddress(req)));
        return Response.json(c.replay() ? 200 : 201, obj("session", Views.session(c.session()), "visitorToken", c.visitorToken()));
    }

    private Response listSessions(Request req) {
        HomeownerPrincipal h = homeowner(req);
        int limit = intParam(req, "limit", 20, 1, 100);
        SessionPage page = await(sessions.list(h, req.queryParam("status"), req.queryParam("before"), limit));
        return Response.ok(obj("sessions", Views.sessions(page.sessions()), "next", page.next()));
    }

    // --- helpers --------------------------------------------------------------------------------------------

    /** Waits for a domain future (we are on a virtual thread) and unwraps its failure. */
    static <T> T await(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (RuntimeException e) {
            throw DomainException.of(e);
        }
    }

    private Principal principal(Request req) {
        String token = req.bearerToken();
        if (token == null) throw ApiException.unauthorized("missing bearer token");
        Optional<? extends Principal> p;
        if (token.startsWith(AccountService.TOKEN_PREFIX)) p = await(accounts.authenticate(token));
        else if (token.startsWith(VisitorSessionService.TOKEN_PREFIX)) p = await(sessions.authenticateVisitor(token));
        else p = Optional.empty();
        return p.orElseThrow(() -> ApiException.unauthorized("invalid or expired token"));
    }

    private HomeownerPrincipal homeowner(Request req) {
        if (principal(req) instanceof HomeownerPrincipal h) return h;
        throw ApiException.forbidden("homeowners only");
    }

    /** The rate-limit key of the client (IPv6 clients count by their /64, see {@link ClientAddress#rateLimitKey}). */
    private String clientAddress(Request req) {
        return req.remoteAddress() == null ? null : clientAddresses.rateLimitKey(req.remoteAddress().getAddress(), req.header("x-forwarded-for"));
    }

    private static void require(Object v, String field) {
        if (v == null) throw ApiException.invalid("'" + field + "' is required");
    }

    static UUID uuid(Request req, String name) {
        String v = req.pathParam(name);
        try {
            return UUID.fromString(v);
        } catch (RuntimeException e) {
            // not a UUID: it cannot name anything
            throw ApiException.notFound("not found");
        }
    }

    static int intParam(Request req, String name, int def, int min, int max) {
        return (int) longParam(req, name, def, min, max);
    }

    static long longParam(Request req, String name, long def, long min, long max) {
        String v = req.queryParam(name);
        if (v == null) return def;
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) throw ApiException.invalid("'" + name + "' must be between " + min + " and " + max);
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.invalid("'" + name + "' must be a number");
        }
    }
}
