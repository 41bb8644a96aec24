#!/bin/sh
# Fetches the Node.js of the Lambda runtime (nodejs24.x) from the npm registry into .lambda-cache/node-24, where
# the Lambda package tests find it and invoke the packaged handlers on it (otherwise they use the current Node).
set -eu
cd "$(dirname "$0")/.."
case "$(uname -m)" in aarch64|arm64) cpu=arm64 ;; *) cpu=x64 ;; esac
dest=.lambda-cache/node-24
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(npm pack "node-linux-$cpu@24" --pack-destination "$work" --silent | tail -n 1)
rm -rf "$dest" && mkdir -p "$dest"
tar -xzf "$work/$tarball" -C "$dest" --strip-components=1
"$dest/bin/node" --version
