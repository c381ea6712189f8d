"""Drive v3 in the emulator: files, permissions, watch channels and push notifications."""
