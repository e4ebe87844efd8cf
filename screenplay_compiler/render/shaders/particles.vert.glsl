#version 330
// Rain streaks (GL_LINES: a head and a tail per drop) or snowflakes (GL_POINTS) from a seeded
// field filling a box around the camera. Each particle's place is a pure function of its seed
// and u_time: it falls through the box and wraps at its bottom, in world space (so a moving
// camera flies through the weather rather than dragging it along).

uniform mat4 u_view_proj;
uniform vec3 u_cam_pos;
uniform vec3 u_box_min;         // world corner of the particle box
uniform vec3 u_box_size;
uniform vec3 u_velocity;        // metres per second (fall plus wind)
uniform float u_time;
uniform float u_streak;         // seconds of motion blur a rain streak spans (0: snow)
uniform float u_sway;           // metres of side-to-side drift (snow)
uniform float u_point_px;       // flake size at 1 m, pixels
uniform vec4 u_color;           // display colour and opacity

in vec3 in_seed;                // 0..1 in each axis
in float in_tail;               // 0 head, 1 tail

out vec4 v_color;

void main() {
    vec3 p = mod(in_seed * u_box_size + u_velocity * u_time - u_box_min, u_box_size) + u_box_min;
    float phase = 6.2831853 * in_seed.x * 17.0;
    p.xz += u_sway * vec2(sin(u_time * 1.3 + phase), cos(u_time * 0.9 + phase * 1.7));
    p -= u_velocity * (u_streak * in_tail);
    gl_Position = u_view_proj * vec4(p, 1.0);
    float dist = length(p - u_cam_pos);
    gl_PointSize = clamp(u_point_px / dist, 1.0, 6.0);
    float fade = smoothstep(0.4, 1.2, dist) * (1.0 - smoothstep(0.6, 1.0, dist / (0.5 * u_box_size.x)));
    v_color = vec4(u_color.rgb, u_color.a * fade * (1.0 - 0.6 * in_tail));
}
