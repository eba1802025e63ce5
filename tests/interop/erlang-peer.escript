#!/usr/bin/env escript
%% A DTLS peer on Erlang/OTP's ssl application ({protocol, dtls}) for tests/interop/erlang.test.ts.
%%
%%   escript erlang-peer.escript server PORT CERT KEY
%%   escript erlang-peer.escript client HOST:PORT CA SERVERNAME MESSAGE...
%%   escript erlang-peer.escript serve PORT CERT KEY
%%
%% It prints "listening PORT" (server, once bound) and "connected PROTOCOL SUITE" after the handshake; a server
%% then echoes every message back ("received: TEXT") until the client closes, a client sends its messages in
%% order, prints each reply ("reply: TEXT") and closes. Exit 0 on success, 1 with the reason on stderr. `serve` is a
%% server of every connection, each in its own process, until it is stopped (for `dtls13 learn --connect`): it keeps
%% ?ACCEPTORS accepts waiting, so clients that start at once are all answered.
-mode(compile).
-define(ACCEPTORS, 32).

main(["server", Port, Cert, Key]) ->
    run(fun() -> server(list_to_integer(Port), Cert, Key) end);
main(["serve", Port, Cert, Key]) ->
    run(fun() -> serve(list_to_integer(Port), Cert, Key) end);
main(["client", Address, Ca, ServerName | Messages]) ->
    [Host, Port] = string:split(Address, ":", trailing),
    run(fun() -> client(Host, list_to_integer(Port), Ca, ServerName, Messages) end);
main(_) ->
    io:format(standard_error, "usage: erlang-peer.escript server PORT CERT KEY | serve PORT CERT KEY | client HOST:PORT CA SERVERNAME MESSAGE...~n", []),
    halt(2).

run(F) ->
    {ok, _} = application:ensure_all_started(ssl),
    try F() of
        ok -> halt(0)
    catch
        Class:Reason:Stack ->
            io:format(standard_error, "erlang peer: ~p:~p ~p~n", [Class, Reason, Stack]),
            halt(1)
    end.

common() -> [{protocol, dtls}, {versions, ['dtlsv1.2']}, binary, {active, false}].

server(Port, Cert, Key) ->
    {ok, Listen} = ssl:listen(Port, common() ++ [{ip, {127, 0, 0, 1}}, {certfile, Cert}, {keyfile, Key}]),
    {ok, {_, Bound}} = ssl:sockname(Listen),
    io:format("listening ~p~n", [Bound]),
    {ok, Accepted} = ssl:transport_accept(Listen, 30000),
    {ok, Socket} = ssl:handshake(Accepted, 30000),
    connected(Socket),
    echo(Socket).

serve(Port, Cert, Key) ->
    {ok, Listen} = ssl:listen(Port, common() ++ [{ip, {127, 0, 0, 1}}, {certfile, Cert}, {keyfile, Key}]),
    {ok, {_, Bound}} = ssl:sockname(Listen),
    lists:foreach(fun(_) -> spawn(fun() -> accept_one(Listen) end) end, lists:seq(1, ?ACCEPTORS)),
    io:format("listening ~p~n", [Bound]),
    receive
        never -> ok
    end.

%% OTP's DTLS listener (dtls_packet_demux) drops the first datagram of a new client when no transport_accept is
%% waiting ("client will resend"); a single accept loop is between two calls whenever another client has just been
%% accepted, so of several clients that start at once all but one lost their first ClientHello. ?ACCEPTORS processes
%% wait at all times: each one accepted starts its successor before it serves its connection.
accept_one(Listen) ->
    case ssl:transport_accept(Listen) of
        {ok, Accepted} ->
            spawn(fun() -> accept_one(Listen) end),
            serve_one(Accepted);
        {error, closed} ->
            ok;
        {error, _} ->
            accept_one(Listen)
    end.

serve_one(Accepted) ->
    case ssl:handshake(Accepted, 30000) of
        {ok, Socket} -> echo_until_error(Socket);
        {error, _} -> ok
    end.

echo_until_error(Socket) ->
    case ssl:recv(Socket, 0, 30000) of
        {ok, Data} ->
            _ = ssl:send(Socket, Data),
            echo_until_error(Socket);
        {error, _} ->
            ssl:close(Socket)
    end.

echo(Socket) ->
    case ssl:recv(Socket, 0, 30000) of
        {ok, Data} ->
            io:format("received: ~ts~n", [Data]),
            ok = ssl:send(Socket, Data),
            echo(Socket);
        {error, closed} ->
            ok
    end.

client(Host, Port, Ca, ServerName, Messages) ->
    Options = common() ++ [{cacertfile, Ca}, {verify, verify_peer}, {server_name_indication, ServerName}],
    {ok, Socket} = ssl:connect(Host, Port, Options, 30000),
    connected(Socket),
    lists:foreach(
        fun(M) ->
            ok = ssl:send(Socket, unicode:characters_to_binary(M)),
            {ok, Reply} = ssl:recv(Socket, 0, 30000),
            io:format("reply: ~ts~n", [Reply])
        end,
        Messages),
    ssl:close(Socket).

connected(Socket) ->
    {ok, Info} = ssl:connection_information(Socket, [protocol, selected_cipher_suite]),
    Suite = ssl:suite_to_str(proplists:get_value(selected_cipher_suite, Info)),
    io:format("connected ~p ~s~n", [proplists:get_value(protocol, Info), Suite]).
