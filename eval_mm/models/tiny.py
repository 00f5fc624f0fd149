"""Tiny randomly initialised checkpoints built offline, for tests and benchmarks.

Each builder writes a folder that `AutoProcessor` / `AutoModelForImageTextToText` load like
a hub checkpoint: a byte-level BPE tokenizer trained in memory on a few invented Japanese
sentences (so any text tokenizes), an image processor, a chat template, and random weights.
Nothing is downloaded. The weights are drawn with a large init range so that greedy
decoding has clear winners and batched and one-at-a-time outputs can be compared exactly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

CORPUS = [
    "私は猫です。東京は大きな都市です。会議は午後三時に始まります。",
    "この画像を見て、次の質問に答えてください。赤い四角と青い丸があります。",
    "USER: ASSISTANT: User: Assistant: hello world 0123456789",
]

LLAVA_TEMPLATE = (
    "{% for message in messages %}{{ message['role'].upper() }}: "
    "{% for c in message['content'] %}{% if c['type'] == 'image' %}<image>\n"
    "{% elif c['type'] == 'text' %}{{ c['text'] }}{% endif %}{% endfor %}\n{% endfor %}"
    "{% if add_generation_prompt %}ASSISTANT:{% endif %}"
)

IDEFICS3_TEMPLATE = (
    "<|im_start|>{% for message in messages %}{{ message['role'] | capitalize }}"
    "{% if message['content'][0]['type'] == 'image' %}{{ ':' }}{% else %}{{ ': ' }}{% endif %}"
    "{% for c in message['content'] %}{% if c['type'] == 'text' %}{{ c['text'] }}"
    "{% elif c['type'] == 'image' %}{{ '<image>' }}{% endif %}{% endfor %}<end_of_utterance>\n"
    "{% endfor %}{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}"
)


def tokenizer(specials: list[str], vocab_size: int = 400, **kw: Any) -> Any:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    raw = Tokenizer(models.BPE())
    raw.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    raw.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=specials,
        show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    raw.train_from_iterator(CORPUS * 4, trainer)
    return PreTrainedTokenizerFast(tokenizer_object=raw, padding_side="left", **kw)


def _text_config(tok: Any, hidden: int, layers: int, **extra: Any) -> dict[str, Any]:
    return dict(
        vocab_size=len(tok),
        hidden_size=hidden,
        intermediate_size=2 * hidden,
        num_hidden_layers=layers,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=2048,
        initializer_range=0.5,
        pad_token_id=tok.pad_token_id,
        eos_token_id=tok.eos_token_id,
        bos_token_id=tok.bos_token_id,
        **extra,
    )


def build_llava(
    folder: Path,
    hidden: int = 32,
    layers: int = 2,
    seed: int = 0,
    add_bos: bool = False,
    chat_template: str = LLAVA_TEMPLATE,
) -> Path:
    """A LLaVA-1.5-style model: CLIP vision tower (32 px, 16 patches) + Llama. `add_bos`:
    the tokenizer adds `<s>` (as Llama's does); `chat_template` may emit it too."""
    import torch
    from transformers import (
        CLIPImageProcessor,
        CLIPVisionConfig,
        LlamaConfig,
        LlavaConfig,
        LlavaForConditionalGeneration,
        LlavaProcessor,
    )

    tok = tokenizer(
        ["<pad>", "<s>", "</s>", "<image>"],
        pad_token="<pad>",
        bos_token="<s>",
        eos_token="</s>",
        **({"add_bos_token": True} if add_bos else {}),
    )
    image_proc = CLIPImageProcessor(
        size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32}
    )
    processor = LlavaProcessor(
        image_processor=image_proc,
        tokenizer=tok,
        chat_template=chat_template,
        patch_size=8,
        vision_feature_select_strategy="default",
        image_token="<image>",
        num_additional_image_tokens=1,
    )
    vision = CLIPVisionConfig(
        hidden_size=hidden,
        intermediate_size=2 * hidden,
        num_hidden_layers=1,
        num_attention_heads=2,
        image_size=32,
        patch_size=8,
        projection_dim=hidden,
    )
    config = LlavaConfig(
        vision_config=vision,
        text_config=LlamaConfig(**_text_config(tok, hidden, layers)),
        image_token_index=tok.convert_tokens_to_ids("<image>"),
        vision_feature_layer=-1,
        vision_feature_select_strategy="default",
    )
    torch.manual_seed(seed)
    LlavaForConditionalGeneration(config).eval().save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder


def build_idefics3(folder: Path, hidden: int = 32, layers: int = 2, seed: int = 0) -> Path:
    """An Idefics3-style model: SigLIP-like vision tower, pixel shuffle, Llama text model."""
    import torch
    from transformers import (
        Idefics3Config,
        Idefics3ForConditionalGeneration,
        Idefics3ImageProcessor,
        Idefics3Processor,
    )

    tok = tokenizer(
        [
            "<|endoftext|>",
            "<end_of_utterance>",
            "<fake_token_around_image>",
            "<image>",
            "<global-img>",
        ],
        pad_token="<|endoftext|>",
        eos_token="<end_of_utterance>",
        extra_special_tokens={
            "image_token": "<image>",
            "fake_image_token": "<fake_token_around_image>",
            "global_image_token": "<global-img>",
            "end_of_utterance_token": "<end_of_utterance>",
        },
    )
    image_proc = Idefics3ImageProcessor(
        do_image_splitting=False, size={"longest_edge": 32}, max_image_size={"longest_edge": 32}
    )
    processor = Idefics3Processor(
        image_processor=image_proc, tokenizer=tok, chat_template=IDEFICS3_TEMPLATE, image_seq_len=4
    )
    config = Idefics3Config(
        text_config=dict(model_type="llama", **_text_config(tok, hidden, layers)),
        vision_config=dict(
            hidden_size=hidden,
            intermediate_size=2 * hidden,
            num_hidden_layers=1,
            num_attention_heads=2,
            image_size=32,
            patch_size=8,
        ),
        scale_factor=2,
        image_token_id=tok.convert_tokens_to_ids("<image>"),
        pad_token_id=tok.pad_token_id,  # type: ignore[call-arg]
    )
    torch.manual_seed(seed)
    Idefics3ForConditionalGeneration(config).eval().save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder


BUILDERS = {"llava": build_llava, "idefics3": build_idefics3}
