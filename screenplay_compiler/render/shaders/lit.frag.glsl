#version 330
#extension GL_ARB_gpu_shader5 : enable
// The key light shadowed per pixel (percentage-closer filtering: one bilinear depth-compare tap
// of the shadow map, four spread wide under a soft SOFT_SHADOW sky), added to the rest of the
// light, then the only tone curve and sRGB encode of the pipeline. TOON: the key falls into flat
// bands with soft thresholds, the shadow is a band of its own, and a stylised rim light is a
// crisp band along the silhouette. The variants are compiled, not switched by uniforms: llvmpipe
// executes both sides of a branch (masked), so only what is compiled out is not paid for.

uniform sampler2DShadow u_shadow_map;
uniform vec2 u_shadow_spread;   // PCF tap offset in texture units (0: no shadow map this frame)
uniform vec3 u_rim_color;

in vec3 v_rest;
in vec3 v_key;
in vec3 v_light;
in vec2 v_toon;
out vec4 f_color;

float pcf(vec3 p) {
    // The 2x2 depth comparisons around p, blended bilinearly. A gather of the four compared
    // texels and our own weights gives the filtered lookup's pixels exactly on llvmpipe, ~1 ms
    // sooner a 720p frame.
#ifdef GL_ARB_gpu_shader5
    vec2 f = fract(p.xy * float(SHADOW_SIZE) - 0.5);
    vec4 t = textureGather(u_shadow_map, p.xy, p.z);  // (0,1) (1,1) (1,0) (0,0)
    return mix(mix(t.w, t.z, f.x), mix(t.x, t.y, f.x), f.y);
#else
    return texture(u_shadow_map, p);
#endif
}

float shadow_term() {
#ifdef NO_SHADOW
    return 1.0;  // drawn only where the map does not reach (renderer.py): the lookup would say "lit"
#endif
    vec2 edge = abs(v_light.xy - 0.5) * 2.0;
    float outside = smoothstep(0.85, 1.0, max(edge.x, edge.y));
    if (u_shadow_spread.x <= 0.0 || outside >= 1.0 || v_light.z >= 1.0) return 1.0;
#ifdef SOFT_SHADOW
    // Overcast: four taps spread wide for a soft penumbra.
    vec2 d = u_shadow_spread;
    float s = 0.25 * (pcf(vec3(v_light.xy + vec2(-d.x, -d.y), v_light.z)) + pcf(vec3(v_light.xy + vec2(d.x, -d.y), v_light.z))
                    + pcf(vec3(v_light.xy + vec2(-d.x, d.y), v_light.z)) + pcf(vec3(v_light.xy + vec2(d.x, d.y), v_light.z)));
#else
    // Clear sky: one tap (a 2x2 PCF) is crisp enough.
    float s = pcf(v_light);
#endif
    return mix(s, 1.0, outside);
}

#ifdef RESHADE
// Over the cached set (renderer.py): the set is drawn again near the characters, but a fragment
// whose shadow taps all miss every character's footprint in the shadow map, or lie nearer the
// light than the character, is shadowed as in the cached image: it is discarded and the cached
// pixel stays. (A discard is the branch llvmpipe really skips, for a block that is all out.)
#extension GL_ARB_shader_image_load_store : enable
layout(early_fragment_tests) in;  // depth tested and written before the discard: hidden set is skipped

uniform int u_caster_count;
uniform vec4 u_caster_uv[MAX_CASTERS];      // footprint in shadow-map uv, grown by the taps' reach
uniform float u_caster_depth[MAX_CASTERS];  // the caster's nearest depth from the light

bool under_caster() {
    for (int i = 0; i < u_caster_count; ++i) {
        vec4 r = u_caster_uv[i];
        if (all(greaterThanEqual(v_light.xy, r.xy)) && all(lessThanEqual(v_light.xy, r.zw))
            && v_light.z > u_caster_depth[i]) return true;
    }
    return false;
}
#endif

void main() {
#ifdef RESHADE
    if (!under_caster()) discard;
#endif
    // Surfaces turned from the key are unshadowed (toon: keeps their rim band whole).
#ifdef TOON
    float lit = v_toon.x + 0.05;
#else
    float lit = dot(v_key, vec3(1.0)) - 1e-3;
#endif
    float shadow = lit > 0.0 ? shadow_term() : 1.0;
    vec3 color;
#ifdef TOON
    {
        float ndl = v_toon.x;
        float band = 0.5 * smoothstep(-0.02, 0.04, ndl) + 0.5 * smoothstep(0.38, 0.44, ndl);
        band *= smoothstep(0.3, 0.7, shadow);
        float rim = smoothstep(0.32, 0.38, v_toon.y) * (0.35 + 0.65 * shadow);
        color = v_rest + v_key * band + u_rim_color * (0.45 * rim);
    }
#else
    color = v_rest + v_key * shadow;
#endif
    f_color = vec4(display(color), 1.0);
}
