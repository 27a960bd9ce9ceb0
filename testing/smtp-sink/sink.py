"""A local SMTP server for tests: accepts every mail on 127.0.0.1 and writes each one, decoded,
as NNNNN.json into the directory given as the only argument. Prints its port, then serves until
killed. Runs on aiosmtpd from PyPI (cargo xtask test installs it into .tools/aiosmtpd)."""

import asyncio
import email
import email.policy
import json
import os
import sys

from aiosmtpd.smtp import SMTP


class Save:
    def __init__(self, out):
        self.out = out
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        self.count += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "headers": {k.lower(): str(v) for k, v in msg.items()},
            "body": msg.get_content(),
        }
        # Written under a temporary name and renamed, so a reader never sees half a file.
        tmp = os.path.join(self.out, ".%05d.tmp" % self.count)
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.rename(tmp, os.path.join(self.out, "%05d.json" % self.count))
        return "250 Message accepted for delivery"


async def main(out):
    handler = Save(out)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="sink.test"), "127.0.0.1", 0
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
