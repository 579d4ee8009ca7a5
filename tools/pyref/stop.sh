#!/usr/bin/env bash
# pyref runs no daemon: nothing to stop.
exit 0
