import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
WORK = os.environ.get('LW_STUDY_DIR', '/tmp/lw-decoder-study'); os.makedirs(WORK, exist_ok=True)
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F, time, glob, argparse, json
torch.set_num_threads(1)
from ops import WPT
from common import psnr
ap=argparse.ArgumentParser()
ap.add_argument('--mode',default='lgf')      # lgf | pk | both
ap.add_argument('--base',default='rec')      # rec | gf1 | gf2  (input/base image)
ap.add_argument('--S',default='0')           # quant steps used in training, e.g. 0 or 0,12,32
ap.add_argument('--C',type=int,default=32)
ap.add_argument('--depth',type=int,default=3)
ap.add_argument('--sub',type=int,default=1)  # 1: coeffs at 1/8 res, 2: at 1/4 res
ap.add_argument('--steps',type=int,default=3000)
ap.add_argument('--bs',type=int,default=4)
ap.add_argument('--lr',type=float,default=2e-3)
ap.add_argument('--tmax',type=float,default=540)
ap.add_argument('--name',default='m')
ap.add_argument('--aug',type=int,default=1)
ap.add_argument('--imgs',default='0,1,2,3,4,5,6,7')
ap.add_argument('--noz',type=int,default=0)
args=ap.parse_args(); print(args,flush=True)
torch.manual_seed(0); rng=np.random.default_rng(0)
from common import pca_basis
V=pca_basis(); Bk=torch.tensor(V[:,:48],dtype=torch.float32)
M=torch.tensor([[0.299,0.587,0.114],[-0.1687,-0.3313,0.5],[0.5,-0.4187,-0.0813]],dtype=torch.float32); Mi=torch.linalg.inv(M)
S=[int(s) for s in args.S.split(',')]
def bkey(s): return ('rec%d'%s) if args.base=='rec' else ('%s_%d'%(args.base,s))
tr=[dict(np.load(WORK+'/data_%s.npz'%(i if i.startswith('te') else 'tr'+i))) for i in args.imgs.split(',')]
te=[dict(np.load(f)) for f in sorted(glob.glob(WORK+'/data_te*.npz'))]
zstd=torch.tensor(np.sqrt(np.mean([ (d['z0']**2).mean((1,2)) for d in tr],0)),dtype=torch.float32)
def t(x): return torch.tensor(np.ascontiguousarray(x),dtype=torch.float32)
NIN=48*(1-args.noz)+6+(1 if len(S)>1 else 0)
def feats(base,z,s):
    # base (b,3,H,W) RGB centred; z (b,48,h,w)
    ycc=torch.einsum('ij,bjhw->bihw',M,base)
    Y=ycc[:,:1]; p=lambda x: F.avg_pool2d(x,8)
    m=p(ycc); vY=(p(Y*Y)-m[:,:1]**2).clamp(min=0)
    cb=(p(Y*ycc[:,1:2])-m[:,:1]*m[:,1:2])/(vY+10); cr=(p(Y*ycc[:,2:3])-m[:,:1]*m[:,2:3])/(vY+10)
    L=[m/64, vY.sqrt()/16, cb, cr]
    if not args.noz: L.insert(0,z/zstd[None,:,None,None])
    if len(S)>1: L.append(torch.full_like(cb,s/32))
    return torch.cat(L,1), ycc
class Net(nn.Module):
    def __init__(s):
        super().__init__(); C=args.C; L=[]; c=NIN
        for i in range(args.depth): L+=[nn.Conv2d(c,C,3,padding=1,padding_mode='replicate'),nn.ReLU()]; c=C
        s.body=nn.Sequential(*L)
        s.nl=6*args.sub**2 if args.mode in('lgf','both') else 0
        s.np=192 if args.mode in('pk','both') else 0
        s.head=nn.Conv2d(C,s.nl+s.np,1); nn.init.zeros_(s.head.weight); nn.init.zeros_(s.head.bias)
    def forward(s,base,z,sq,T):
        x,ycc=feats(base,z,sq); h=s.head(s.body(x)); out=base
        if s.nl:
            c=h[:,:s.nl]
            if args.sub>1: c=F.pixel_shuffle(c,args.sub)
            c=F.interpolate(c,scale_factor=8//args.sub,mode='bilinear',align_corners=False)
            Y=ycc[:,:1]; Yhp=Y-F.interpolate(F.avg_pool2d(Y,8),scale_factor=8,mode='bilinear',align_corners=False)
            a=c[:,0::2]; b=c[:,1::2]*10
            out=torch.einsum('ij,bjhw->bihw',Mi,ycc+a*Yhp+b)
        D=T.fwd(out-base)
        if s.np: D=D+h[:,s.nl:]*10
        bsz,_,hh,ww=D.shape; Df=D.reshape(bsz,192,-1)
        Df=Df-torch.einsum('ik,bkn->bin',Bk,torch.einsum('ik,bin->bkn',Bk,Df))
        return base+T.inv(Df.reshape(bsz,192,hh,ww))
net=Net(); print('params',sum(p.numel() for p in net.parameters()))
opt=torch.optim.Adam(net.parameters(),lr=args.lr)
CR=256; MG=48; T=WPT(CR,CR)
def quant_t(z,s):
    if s==0: return z
    q=torch.sign(z)*torch.floor(z.abs()/s+0.35)
    return torch.where(q!=0,torch.sign(q)*(q.abs()+0.08)*s,torch.zeros_like(z))
def boxf(x,r):
    return F.avg_pool2d(F.avg_pool2d(F.pad(x,(r,r,r,r),mode='replicate'),(1,2*r+1),stride=1),(2*r+1,1),stride=1)
def gf_t(rec,r=4,eps=10):
    ycc=torch.einsum('ij,bjhw->bihw',M,rec); Y=ycc[:,:1]; p=ycc[:,1:]
    mI=boxf(Y,r); mp=boxf(p,r); a=(boxf(Y*p,r)-mI*mp)/(boxf(Y*Y,r)-mI*mI+eps); b=mp-a*mI
    new=torch.cat([Y,boxf(a,r)*Y+boxf(b,r)],1)
    return torch.einsum('ij,bjhw->bihw',Mi,new)
def projt(rec,out,T):
    D=T.fwd(out-rec); bsz,_,hh,ww=D.shape; Df=D.reshape(bsz,192,-1)
    Df=Df-torch.einsum('ik,bkn->bin',Bk,torch.einsum('ik,bin->bkn',Bk,Df))
    return rec+T.inv(Df.reshape(bsz,192,hh,ww))
def batch():
    O=[]; s=S[rng.integers(len(S))]
    for _ in range(args.bs):
        d=tr[rng.integers(len(tr))]; H,W=d['im'].shape[:2]
        y0=rng.integers(0,H-CR+1); x0=rng.integers(0,W-CR+1)
        c=d['im'][y0:y0+CR,x0:x0+CR]
        c=np.rot90(c,rng.integers(4)); c=c[:,::-1] if rng.random()<0.5 else c
        if args.aug:
            th=rng.uniform(0,2*np.pi); sc=rng.uniform(0.6,1.4); R=np.eye(3); R[1:,1:]=sc*np.array([[np.cos(th),-np.sin(th)],[np.sin(th),np.cos(th)]])
            A=np.linalg.inv(M.numpy())@R@M.numpy(); c=np.clip(c@A.T,-128,127)
        O.append(c.transpose(2,0,1))
    o=t(np.stack(O)); P=T.fwd(o); bsz=P.shape[0]
    z=torch.einsum('ik,bin->bkn',Bk,P.reshape(bsz,192,-1)); z=quant_t(z,s)
    rec=T.inv(torch.einsum('ik,bkn->bin',Bk,z).reshape(bsz,192,CR//8,CR//8))
    b=rec
    if args.base!='rec':
        for it in range(int(args.base[-1])): b=projt(rec,gf_t(b),T)
    return b,z.reshape(bsz,48,CR//8,CR//8),o,s
t0=time.time(); run=0
for step in range(args.steps):
    lr=args.lr*0.5*(1+np.cos(np.pi*min(1,step/args.steps, (time.time()-t0)/args.tmax)))
    for g in opt.param_groups: g['lr']=lr
    b,z,o,s=batch(); out=net(b,z,s,T)
    base_l=F.mse_loss(b[...,MG:-MG,MG:-MG],o[...,MG:-MG,MG:-MG])
    loss=F.mse_loss(out[...,MG:-MG,MG:-MG],o[...,MG:-MG,MG:-MG])
    opt.zero_grad(); loss.backward(); opt.step()
    run=0.98*run+0.02*(10*np.log10(base_l.item()/loss.item()))
    if step%200==0: print(step,'%.1fs'%(time.time()-t0),'train gain(ema) %.3f'%(run/(1-0.98**(step+1))),flush=True)
    if time.time()-t0>args.tmax: print('time limit at step',step); break
ttrain=time.time()-t0
torch.save(net.state_dict(),WORK+'/%s.pt'%args.name)
res={}
with torch.no_grad():
  for s in (0,12,32):
    g=[];gg=[]
    for d in te:
        H,W=d['im'].shape[:2]; Tt=WPT(H,W)
        b=t(d[bkey(s)].transpose(2,0,1)[None]); z=t(d['z%d'%s][None])
        out=net(b,z,s,Tt)[0].numpy().transpose(1,2,0).astype(np.float64)
        lin=psnr(d['rec%d'%s].astype(np.float64),d['im']); g.append(psnr(out,d['im'])-lin)
        gg.append(psnr(d['gf2_%d'%s].astype(np.float64),d['im'])-lin)
    res[s]=g; print('s=%d gains'%s,' '.join('%+.3f'%x for x in g),'mean %+.3f'%np.mean(g),'| gf2 ref mean %+.3f'%np.mean(gg),flush=True)
print('train time %.0fs'%ttrain)
json.dump({'args':vars(args),'res':res,'ttrain':ttrain},open(WORK+'/%s.json'%args.name,'w'))
