"""Whisper's encoder positions (openai/whisper, model.py `sinusoids`), the table Qwen2-Audio's checkpoint holds, in
torch: usage whisper_positions_reference.py LENGTH CHANNELS; prints the table row-major, one value a line."""
import sys
import numpy as np
import torch

length, channels = int(sys.argv[1]), int(sys.argv[2])
increment = np.log(10000) / (channels // 2 - 1)
inverse = torch.exp(-increment * torch.arange(channels // 2, dtype=torch.float64))
angles = torch.arange(length, dtype=torch.float64)[:, None] * inverse[None, :]
table = torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)
print("\n".join(f"{v:.9g}" for v in table.flatten().tolist()))
