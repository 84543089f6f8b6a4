"""The relay server (asyncio, headless). It forwards ciphertext and never reads a case."""
