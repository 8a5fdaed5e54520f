#!/bin/sh
# The test network works without op25b: every host reaches inet on 25, 465
# and 587 over IPv4 and IPv6, and so does the gateway itself.
. /vm/lib.sh
setup --no-module

for ns in client mta gw; do
	for port in 25 465 587; do
		expect $ns $V4_INET $port ok 1
		expect $ns $V6_INET $port ok 1
	done
done

# The harness tells a silently lost connection (what action drop does) from a
# refused one: inet's answers to the client vanish into a blackhole.
ip -n inet route add blackhole $V4_CLIENT/32
ip -n inet route add blackhole $V6_CLIENT/128
expect client $V4_INET 25 timeout "" 1
expect client $V6_INET 25 timeout "" 1
