"""A WebRTC offerer on Debian's aiortc (python3-aiortc), driven by
tests/examples/webrtc-aiortc.test.ts over stdin and stdout, one JSON object a
line.

It offers one audio transceiver (sendonly, no track: nothing is sent until the
test asks) and prints {"offer": SDP}. It then reads {"answer": SDP}, and once
its connection is up prints {"connected": {"version", "role", "aiortc"}}
(DTLS as its RTCDtlsTransport reports it). Each {"rtp": HEX} read is sent as
one RTP packet through that transport, which protects it with the SRTP keys
its DTLS exported (RTCDtlsTransport._send_rtp: aiortc has no public call to
send a chosen packet). {"close": true} or the end of stdin closes the
connection and ends the script; a failure prints {"error": TEXT}.
"""

import asyncio
import json
import sys

import aiortc
from aiortc import RTCPeerConnection, RTCSessionDescription


def say(message):
    print(json.dumps(message), flush=True)


async def main():
    loop = asyncio.get_running_loop()
    lines = asyncio.Queue()
    loop.add_reader(sys.stdin, lambda: lines.put_nowait(sys.stdin.readline()))

    async def next_command():
        line = await lines.get()
        return json.loads(line) if line.strip() else {"close": True}

    pc = RTCPeerConnection()
    connected = loop.create_future()

    @pc.on("connectionstatechange")
    def on_state():
        if pc.connectionState == "connected" and not connected.done():
            connected.set_result(None)
        if pc.connectionState == "failed" and not connected.done():
            connected.set_exception(RuntimeError("aiortc: connection failed"))

    transceiver = pc.addTransceiver("audio", direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())
    say({"offer": pc.localDescription.sdp})
    command = await next_command()
    if "answer" not in command:
        await pc.close()
        return
    await pc.setRemoteDescription(RTCSessionDescription(sdp=command["answer"], type="answer"))
    await asyncio.wait_for(connected, 60)
    dtls = transceiver.sender.transport
    say(
        {
            "connected": {
                "version": dtls.ssl.get_protocol_version_name(),
                "role": dtls._role,  # no public property for it in 1.4.0
                "aiortc": aiortc.__version__,
            }
        }
    )
    while True:
        command = await next_command()
        if "rtp" in command:
            await dtls._send_rtp(bytes.fromhex(command["rtp"]))
        if command.get("close"):
            break
    await pc.close()


try:
    asyncio.run(main())
except Exception as e:  # the test reads the reason from stdout
    say({"error": f"{type(e).__name__}: {e}"})
    sys.exit(1)
